using System.Text.Json;

namespace Sideye.Cli.Isolation;

/// <summary>
/// What a capture process tells the process that started it (`snap --outcome FILE`): the snapshot written and the
/// processes not captured, or why nothing was. The query server's capture endpoint reads it back.
/// </summary>
internal sealed record CaptureOutcomeFile(string? Directory, IReadOnlyList<string> Errors, string? Error)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Writes it when a path was given.</summary>
    public void WriteToIf(string? path)
    {
        if (path is not null)
            File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }

    /// <summary>The outcome written, or null when the capture process wrote none (it died).</summary>
    public static CaptureOutcomeFile? ReadFrom(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<CaptureOutcomeFile>(File.ReadAllText(path), Json);
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }
}
