using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>
/// One row of the <c>captured_values</c> table: one variable (or field path) captured from one frame of a
/// spec'd function. The query server pivots these rows into one table per function. A value that could
/// not be read is NULL with the reason in <see cref="Unavailable"/>, never a guess.
/// </summary>
public sealed record CapturedValueRow(
    [property: JsonPropertyName("stack_id")] long StackId,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("depth")] int Depth,
    [property: JsonPropertyName("function")] string Function,
    [property: JsonPropertyName("column")] string Column,
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("raw_value")] string? RawValue,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("unavailable")] string? Unavailable);
