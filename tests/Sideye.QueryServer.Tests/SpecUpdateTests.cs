using System.Text;
using System.Text.Json;
using Sideye.QueryServer.Errors;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

/// <summary>PUT /api/spec: validation, versioned storage, and views rebuilt on loaded snapshots. One server per test.</summary>
public sealed class SpecUpdateTests : IAsyncLifetime
{
    private const string Id = SpecServer.SlowRpcId;
    private readonly SpecServer _fixture = new();

    private RunningServer Server => _fixture.Server;

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task ANewSpecReshapesLoadedSnapshotsAndIsVersionedOnDisk()
    {
        string yaml = SlowRpcSpec.Yaml.Replace(
            "      - { name: cs_addr, sql: \"raw_cs->'__addr'\", visible: false }\n  - function: SlowRpc.Server.BackgroundProcessor",
            "      - { name: cs_addr, sql: \"raw_cs->'__addr'\", visible: false }\n      - { name: client_id, sql: \"cs->>'ClientId'\", type: BIGINT }\n  - function: SlowRpc.Server.BackgroundProcessor",
            StringComparison.Ordinal).Replace("tables:\n", "tables:\n  - { name: blocked, sql: \"SELECT stack_id FROM InfoService_GetInfo WHERE client_id = 42\" }\n", StringComparison.Ordinal);
        Assert.Contains("client_id", yaml);

        (int status, JsonElement body) = await PutAsync(yaml);

        Assert.Equal(200, status);
        Assert.Equal(2, body.GetProperty("version").GetInt32());
        Assert.Equal("[[42]]", (await Server.RowsAsync(Id, "SELECT client_id FROM InfoService_GetInfo WHERE stack_id = 200")).GetRawText());
        Assert.Equal("[[200]]", (await Server.RowsAsync(Id, "SELECT * FROM blocked")).GetRawText());
        Assert.Equal(SlowRpcSpec.Yaml, await File.ReadAllTextAsync(_fixture.SpecPath + ".v1"));
        Assert.Equal(yaml, await File.ReadAllTextAsync(_fixture.SpecPath + ".v2"));
        Assert.Equal(yaml, await File.ReadAllTextAsync(_fixture.SpecPath));
        // What is captured (and let through unredacted) is the owner's business: the spec and its versions are 0600.
        Assert.All([_fixture.SpecPath + ".v1", _fixture.SpecPath + ".v2", _fixture.SpecPath],
            f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.Equal(2, (await Server.GetJsonAsync("/api/spec")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task RemovedTablesGoAwayAndNewSnapshotsGetTheNewSpec()
    {
        const string yaml = """
            functions:
              - function: SlowRpc.Server.BackgroundProcessor.ProcessClient
                table: processor
                capture: [cs]
            """;

        (int status, _) = await PutAsync(yaml);

        Assert.Equal(200, status);
        (int gone, JsonElement problem) = await Server.QueryAsync(Id, "SELECT * FROM InfoService_GetInfo");
        Assert.Equal(400, gone);
        Assert.Contains("InfoService_GetInfo", problem.GetProperty("detail").GetString());
        Assert.Equal("[[201]]", (await Server.RowsAsync(Id, "SELECT stack_id FROM processor")).GetRawText());

        string snapshots = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(_fixture.SpecPath)!)!, "snapshots");
        await SlowRpcSnapshot.WriteAsync(snapshots, "later", new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero));
        for (int i = 0; i < 100 && (await Server.QueryAsync("later", "SELECT 1")).Status != 200; i++)
            await Task.Delay(50);
        Assert.Equal("[[201]]", (await Server.RowsAsync("later", "SELECT stack_id FROM processor")).GetRawText());
    }

    [Theory]
    // The word DuckDB's caret points at, found in the user's SQL: line and column of that word in the YAML.
    [InlineData("functions:\n  - function: A.B\n    capture: [cs]\n    columns:\n      - { name: x, sql: \"cs->'a' + nosuchcol\" }\n", "sideye.yaml:5:36: error:")]
    [InlineData("tables:\n  - { name: t, sql: \"SELECT stack_id FROM stacks WHERE procesing\" }\n", "sideye.yaml:2:56: error:")]
    public async Task AnUnboundNameIsReportedAtItsOwnLineAndColumn(string yaml, string position)
    {
        (int status, JsonElement problem) = await PutAsync(yaml);

        Assert.Equal(400, status);
        string[] diagnostics = [.. problem.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetString()!)];
        Assert.Contains(diagnostics, d => d.Contains(position, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("functions:\n  - function: SlowRpc.Server.InfoService.GetInfo\n    captrue: [cs]\n", "unknown key 'captrue'")]
    [InlineData("functions:\n  - function: A.B\n    capture: [cs]\n    columns:\n      - { name: x, sql: \"cz->'a'\" }\n", "cz")]
    [InlineData("functions:\n  - function: A.B\n    capture: [cs]\n    columns:\n      - { name: x, sql: \"1) AS y FROM stacks; DROP VIEW stacks; SELECT (1\" }\n", "x")]
    [InlineData("tables:\n  - { name: t, sql: \"SELECT 1; DROP VIEW stacks\" }\n", "Only a single SELECT")]
    [InlineData("tables:\n  - { name: t, sql: \"SELECT * FROM read_csv('/etc/passwd')\" }\n", "t")]
    [InlineData("functions: [", "YAML")]
    public async Task ABadSpecIsA400WithDiagnosticsAndChangesNothing(string yaml, string expected)
    {
        (int status, JsonElement problem) = await PutAsync(yaml);

        Assert.Equal(400, status);
        Assert.Equal("Invalid spec", problem.GetProperty("title").GetString());
        string[] diagnostics = [.. problem.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetString()!)];
        Assert.Contains(diagnostics, d => d.Contains(expected, StringComparison.Ordinal) && d.Contains(": error: ", StringComparison.Ordinal));
        Assert.Equal(0, (await Server.GetJsonAsync("/api/spec")).GetProperty("version").GetInt32());
        Assert.False(File.Exists(_fixture.SpecPath + ".v1"));
        Assert.Equal("[[100]]", (await Server.RowsAsync(Id, "SELECT count(*) FROM InfoService_GetInfo")).GetRawText());
        Assert.Equal("[[201]]", (await Server.RowsAsync(Id, "SELECT count(*) FROM stacks")).GetRawText());
    }

    [Fact]
    public async Task AServerWithABadSpecFileDoesNotStart()
    {
        using var directory = new TempDirectory();
        string spec = Path.Combine(directory.Path, "bad.yaml");
        await File.WriteAllTextAsync(spec, "functions:\n  - function: A.B\n    capture: [x]\n    columns:\n      - { name: y, sql: \"nope(\" }\n");

        var error = Assert.Throws<SpecRejectedException>(() => QueryServerHost.Build(new QueryServerOptions(directory.Path, "http://127.0.0.1:0", spec)));

        Assert.Contains(error.Diagnostics, d => d.StartsWith(spec + ":5:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutASpecFileTheSpecIsKeptInMemory()
    {
        using var directory = new TempDirectory();
        await SlowRpcSnapshot.WriteAsync(directory.Path, "s", new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using RunningServer server = await RunningServer.StartAsync(directory.Path);
        Assert.Equal(JsonValueKind.Null, (await server.GetJsonAsync("/api/spec")).GetProperty("path").ValueKind);

        (int status, JsonElement body) = await PutAsync(server, "functions:\n  - function: SlowRpc.Server.BackgroundProcessor.ProcessClient\n    capture: [cs]\n");

        Assert.Equal(200, status);
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal("[[1]]", (await server.RowsAsync("s", "SELECT count(*) FROM BackgroundProcessor_ProcessClient")).GetRawText());
        Assert.Equal(["s"], Directory.EnumerateFileSystemEntries(directory.Path).Select(Path.GetFileName));
    }

    private Task<(int Status, JsonElement Body)> PutAsync(string yaml) => PutAsync(Server, yaml);

    private static async Task<(int Status, JsonElement Body)> PutAsync(RunningServer server, string yaml)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using HttpResponseMessage response = await server.Client.PutAsync("/api/spec", content);
        return ((int)response.StatusCode, JsonElement.Parse(await response.Content.ReadAsStringAsync()));
    }
}
