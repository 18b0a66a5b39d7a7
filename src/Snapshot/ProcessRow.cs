using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>One row of the <c>processes</c> table: a process captured in the snapshot.</summary>
public sealed record ProcessRow(
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("command_line")] string? CommandLine,
    [property: JsonPropertyName("runtime_version")] string? RuntimeVersion,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("pause_ms")] double? PauseMs,
    [property: JsonPropertyName("capture_ms")] double CaptureMs,
    [property: JsonPropertyName("thread_count")] int ThreadCount,
    [property: JsonPropertyName("async_stack_count")] int AsyncStackCount,
    [property: JsonPropertyName("warnings")] string? Warnings,
    [property: JsonPropertyName("pause_mode")] string? PauseMode = null,
    [property: JsonPropertyName("captured_at"), UtcTimestamp] DateTime? CapturedAt = null);
