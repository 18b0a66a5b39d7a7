using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

/// <summary>
/// The generated OpenAPI document is committed (Baselines/openapi.json) and must not drift unnoticed, as in
/// dotnet-monitor. After an intended API change, regenerate it with SIDEYE_UPDATE_BASELINES=1 (that run fails on purpose), review the
/// diff and run again without it.
/// </summary>
[Collection(SlowRpcServerCollection.Name)]
public sealed class OpenApiBaselineTests(SlowRpcServer fixture)
{
    [Fact]
    public async Task TheOpenApiDocumentMatchesTheBaseline()
    {
        string actual = Normalize(await fixture.Server.Client.GetStringAsync("/swagger/v1/swagger.json"));
        string path = BaselinePath();

        if (Environment.GetEnvironmentVariable("SIDEYE_UPDATE_BASELINES") == "1")
        {
            // Writing is not passing: the run that writes the baseline fails, so it never compares the document with itself.
            bool changed = !File.Exists(path) || Normalize(await File.ReadAllTextAsync(path)) != actual;
            await File.WriteAllTextAsync(path, actual);
            Assert.Fail(changed ? $"{path} rewritten: review its diff, then run the tests without SIDEYE_UPDATE_BASELINES." : $"{path} was already up to date; run the tests without SIDEYE_UPDATE_BASELINES.");
        }

        Assert.True(File.Exists(path), $"No baseline at {path}: run the tests once with SIDEYE_UPDATE_BASELINES=1.");
        Assert.Equal(Normalize(await File.ReadAllTextAsync(path)), actual);
    }

    private static string Normalize(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";

    private static string BaselinePath([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Baselines", "openapi.json");
}
