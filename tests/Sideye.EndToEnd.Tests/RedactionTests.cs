using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// dumps/secrets holds secrets (every one starts with <c>SIDEYE-SECRET-</c>) in a parked thread's frame and a
/// suspended async call: by field name (Password, ApiToken, ConnectionString, a NetworkCredential's password), in a
/// header dictionary and an HttpRequestMessage's Authorization and Cookie headers, as a bearer string in a field with an
/// innocent name, in a list, as an argument named <c>password</c> and a hoisted local named <c>token</c>, and a
/// nickname only the spec redacts, and on its command line. No byte of any snapshot file holds one, live or from a dump (the files are scanned
/// as they are, and every table is read back through DuckDB, as Parquet pages may be compressed); the markers stand
/// where the values were. A spec that allows <c>ApiToken</c> gets exactly that secret: the scan does find secrets.
/// </summary>
public sealed class RedactionTests : IClassFixture<RedactionTests.Fixture>
{
    private const string Marker = "SIDEYE-SECRET-";
    private readonly Fixture _f;

    public RedactionTests(Fixture fixture) => _f = fixture;

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task No_file_of_the_snapshot_holds_a_secret(string source)
    {
        string folder = Path.Combine(_f.Snapshots, _f.SnapshotIds[source]);
        string[] files = Directory.GetFiles(folder);
        Assert.Contains(files, f => f.EndsWith("captured_values.parquet", StringComparison.Ordinal));
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Marker)) < 0, $"{Path.GetFileName(file)} holds a secret (UTF-8)");
            Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(Marker)) < 0, $"{Path.GetFileName(file)} holds a secret (UTF-16)");
        }
        foreach (string table in await _f.TablesAsync(_f.SnapshotIds[source]))
            Assert.Equal(0, await _f.RowsWithSecretAsync(_f.SnapshotIds[source], table));
        Assert.DoesNotContain(Marker, _f.SnapOutputs[source]);
        Assert.EndsWith("--api-key [redacted] --db Server=db;Password=[redacted] --port 80",
            (await _f.Server.Api.QueryAsync(_f.SnapshotIds[source], "SELECT command_line FROM processes")).Single()[0].GetString());
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task Markers_stand_where_the_values_were(string source)
    {
        string id = _f.SnapshotIds[source];
        string Name = """{"__redacted":"name"}""", Value = """{"__redacted":"value"}""", Type = """{"__redacted":"type"}""";
        var expected = new Dictionary<string, string>
        {
            ["json_extract(value, '$.Password')"] = Name,
            ["json_extract(value, '$.ApiToken')"] = Name,
            ["json_extract(value, '$.ConnectionString')"] = Name,
            ["json_extract(value, '$.Nickname')"] = Name, // the spec's own redact: names
            ["json_extract(value, '$.Headers.Authorization')"] = Name,
            ["json_extract(value, '$.Credential')"] = Name,
            ["json_extract(value, '$.Login._password')"] = Name, // a NetworkCredential under an innocent name
            ["json_extract(value, '$.Note')"] = Value, // "Bearer ..." whatever the field is called
            ["json_extract(value, '$.Cipher')"] = Type, // an Aes: key material
            ["json_extract(value, '$.Request._headers._headerStore[0].Value')"] = Name, // Authorization
            ["json_extract(value, '$.Request._headers._headerStore[1].Value')"] = Name, // Cookie
        };
        foreach ((string path, string marker) in expected)
        {
            List<List<JsonElement>> rows = await _f.Server.Api.QueryAsync(id,
                $"SELECT DISTINCT CAST({path} AS VARCHAR) FROM captured_values WHERE \"column\" = 'account'");
            Assert.Equal(marker, Assert.Single(rows)[0].GetString());
        }
        // What is not secret is still there.
        Assert.Equal(2, await _f.Server.Api.ScalarAsync(id,
            "SELECT count(*) FROM captured_values WHERE \"column\" = 'account' AND json_extract_string(value, '$.Headers.Accept') = 'application/json' AND json_extract_string(value, '$.Request._headers._headerStore[2].Value') = 'trace-1'"));
        Assert.Equal("\"alice\"", (await _f.Server.Api.QueryAsync(id, "SELECT value FROM captured_values WHERE \"column\" = 'account_user_name'")).Single()[0].GetString());
        // The list's accounts, the argument named password, the path through Password and the hoisted token.
        Assert.Equal(2, await _f.Server.Api.ScalarAsync(id,
            $"SELECT count(*) FROM (SELECT unnest(from_json(value, '[\"json\"]')) AS a FROM captured_values WHERE \"column\" = 'others') WHERE CAST(a->'Password' AS VARCHAR) = '{Name}'"));
        foreach (string column in new[] { "password", "account_password", "token" })
        {
            List<JsonElement> row = Assert.Single(await _f.Server.Api.QueryAsync(id,
                $"SELECT value, json_extract_string(raw_value, '$.__type'), json_extract_string(raw_value, '$.__addr'), json_extract_string(raw_value, '$.__redacted') FROM captured_values WHERE \"column\" = '{column}'"));
            Assert.Equal(Name, row[0].GetString());
            Assert.Equal("System.String", row[1].GetString()); // raw keeps what and where, not the value
            Assert.StartsWith("0x", row[2].GetString());
            Assert.Equal("name", row[3].GetString());
        }
    }

    [Fact]
    public async Task A_name_the_spec_allows_is_captured_and_nothing_else_is()
    {
        string id = _f.SnapshotIds["allowed"];
        Assert.Equal("SIDEYE-SECRET-api-token-1", (await _f.Server.Api.QueryAsync(id,
            "SELECT json_extract_string(value, '$.ApiToken') FROM captured_values WHERE \"column\" = 'account' AND json_extract(value, '$.Id') = 1")).Single()[0].GetString());
        // Every row holding a secret holds only allowed ones.
        List<List<JsonElement>> leaks = await _f.Server.Api.QueryAsync(id,
            $"SELECT value FROM captured_values WHERE value LIKE '%{Marker}%'");
        Assert.NotEmpty(leaks);
        Assert.True(await _f.RowsWithSecretAsync(id, "captured_values") > 0, "the whole-table scan finds an allowed secret");
        Assert.All(leaks, r => Assert.DoesNotMatch(@"SIDEYE-SECRET-(?!api-token-)", r[0].GetString()));
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private int _pid;

        public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "sideye-secrets-" + Guid.NewGuid().ToString("N")[..8]);
        public string Snapshots => Path.Combine(WorkDir, "snapshots");
        public Dictionary<string, string> SnapshotIds { get; } = [];
        public Dictionary<string, string> SnapOutputs { get; } = [];
        public QueryServerProcess Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(WorkDir);
            string bin = Path.Combine(WorkDir, "bin");
            string project = Path.Combine(Repo.Root, "dumps/secrets");
            Repo.BuildTarget(project, "Secrets.csproj", bin);
            // Secrets on its command line too: the processes table keeps the options, not their values.
            _pid = DetachedTarget.Start(Path.Combine(bin, "Secrets.dll"), Path.Combine(WorkDir, "secrets.out"),
                arguments: $"--api-key {Marker}cmdline-key --db 'Server=db;Password={Marker}cmdline-conn' --port 80");
            string pid = _pid.ToString(CultureInfo.InvariantCulture);

            string spec = Path.Combine(WorkDir, "sideye.yaml");
            File.Copy(Path.Combine(project, "sideye.yaml"), spec);
            string allowing = Path.Combine(WorkDir, "allowing.yaml");
            File.WriteAllText(allowing, File.ReadAllText(spec) + "allow:\n  names: [ApiToken]\n");

            Snap("live", "--pid", pid, spec);
            string dump = Path.Combine(WorkDir, "secrets.core");
            RunResult collect = Repo.DotnetDump(["collect", "-p", pid, "--type", "Full", "-o", dump]);
            Assert.True(collect.ExitCode == 0, "collect: " + collect);
            Snap("dump", "--dump", dump, spec);
            File.Delete(dump);
            Snap("allowed", "--pid", pid, allowing);
            Server = await QueryServerProcess.StartAsync(Snapshots, spec, Path.Combine(WorkDir, "serve.log"), 3);
        }

        private void Snap(string name, string option, string target, string spec)
        {
            RunResult snap = Repo.Sideye("snap", option, target, "--spec", spec, "--out", Snapshots);
            Assert.True(snap.ExitCode == 0, "snap: " + snap);
            SnapshotIds[name] = Path.GetFileName(snap.LastLine);
            SnapOutputs[name] = snap.Stdout + snap.Stderr;
        }

        public async Task<List<string>> TablesAsync(string id) =>
            [.. (await Server.Api.GetJsonAsync($"/api/snapshots/{id}/tables")).EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];

        /// <summary>Rows of a table that hold a secret anywhere, read back as text (the whole row cast to a string).</summary>
        public Task<long> RowsWithSecretAsync(string id, string table) =>
            Server.Api.ScalarAsync(id, $"SELECT count(*) FROM \"{table}\" AS r WHERE CAST(r AS VARCHAR) LIKE '%{Marker}%'");

        public Task DisposeAsync()
        {
            Server?.Dispose();
            if (_pid != 0)
                DetachedTarget.Kill(_pid);
            Repo.DeleteWorkDir(WorkDir);
            return Task.CompletedTask;
        }
    }
}
