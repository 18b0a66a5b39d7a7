using System.Text.Json.Serialization;

namespace Sideye.QueryServer.Flamegraph;

/// <summary>speedscope's <c>shared</c> object: the frames the profiles' samples index into.</summary>
public sealed record SpeedscopeShared([property: JsonPropertyName("frames")] IReadOnlyList<SpeedscopeFrame> Frames);
