using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>The <c>snapshot.json</c> file at the root of a snapshot directory.</summary>
public sealed record SnapshotManifest(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("captured_at_utc")] DateTimeOffset CapturedAtUtc,
    [property: JsonPropertyName("tool_version")] string ToolVersion,
    [property: JsonPropertyName("schema_version")] int SchemaVersion,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("processes")] IReadOnlyList<ManifestProcess> Processes,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string> Warnings,
    [property: JsonPropertyName("tables")] IReadOnlyList<string> Tables,
    [property: JsonPropertyName("spec")] string? Spec);

/// <summary>Per-process facts in <see cref="SnapshotManifest"/>.</summary>
public sealed record ManifestProcess(
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("command_line")] string? CommandLine,
    [property: JsonPropertyName("runtime_version")] string? RuntimeVersion,
    [property: JsonPropertyName("pause_ms")] double? PauseMs,
    [property: JsonPropertyName("capture_ms")] double CaptureMs,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string> Warnings);
