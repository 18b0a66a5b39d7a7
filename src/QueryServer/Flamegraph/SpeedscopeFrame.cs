using System.Text.Json.Serialization;

namespace Sideye.QueryServer.Flamegraph;

/// <summary>A frame of speedscope's shared frame table.</summary>
public sealed record SpeedscopeFrame(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("file"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? File);
