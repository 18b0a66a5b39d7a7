using System.Text.Json.Serialization;

namespace Sideye.QueryServer.Flamegraph;

/// <summary>
/// A speedscope file (https://www.speedscope.app/file-format-schema.json), the format dotnet-trace and
/// dotnet-monitor emit; one profile per process. Property names are speedscope's (camelCase), not the API's.
/// </summary>
public sealed record SpeedscopeFile(
    [property: JsonPropertyName("$schema")] string Schema,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("exporter")] string Exporter,
    [property: JsonPropertyName("activeProfileIndex")] int ActiveProfileIndex,
    [property: JsonPropertyName("shared")] SpeedscopeShared Shared,
    [property: JsonPropertyName("profiles")] IReadOnlyList<SpeedscopeProfile> Profiles)
{
    public const string SchemaUrl = "https://www.speedscope.app/file-format-schema.json";
    public const string MediaType = "application/speedscope+json";
}
