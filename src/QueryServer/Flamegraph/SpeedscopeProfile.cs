using System.Text.Json.Serialization;

namespace Sideye.QueryServer.Flamegraph;

/// <summary>
/// A speedscope "sampled" profile: each sample is a stack as frame indices, root first, and its weight
/// is how many stacks of the snapshot have exactly that shape.
/// </summary>
public sealed record SpeedscopeProfile(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("startValue")] int StartValue,
    [property: JsonPropertyName("endValue")] int EndValue,
    [property: JsonPropertyName("samples")] IReadOnlyList<IReadOnlyList<int>> Samples,
    [property: JsonPropertyName("weights")] IReadOnlyList<int> Weights);
