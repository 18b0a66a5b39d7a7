using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

/// <summary>
/// A corpus of hostile requests, each named, against every endpoint that takes text from a client: SQL that reaches
/// for files, the network, extensions or settings; SQL and JSON nested past any parser's patience; slow, huge and
/// memory-hungry queries; injection through table names, sort columns, filters and search text; paths out of the
/// source roots; YAML built to explode. Each gets the answer it should (a 4xx problem, or the capped, correct
/// answer), never a 500, and leaves the server answering correct questions with the same spec as before.
/// </summary>
public sealed class HostileInputTests(HostileServer fixture) : IClassFixture<HostileServer>
{
    private const string Id = HostileServer.Id;
    private const string CorrectSql = "SELECT count(*) FROM stacks WHERE pid = 1002";
    private const int CorrectAnswer = 101;

    private RunningServer Server => fixture.Server;

    /// <summary>A hostile request: its name, what it sends, and the statuses that are right for it.</summary>
    public sealed record Hostile(string Name, string Method, string Path, string? Body, string ContentType, int[] Statuses)
    {
        public override string ToString() => Name; // the test's display name
    }

    private static Hostile Sql(string name, string sql, params int[] statuses) =>
        new(name, "POST", $"/api/snapshots/{Id}/query", JsonSerializer.Serialize(new { sql }), "application/json", statuses.Length == 0 ? [400] : statuses);

    private static Hostile Get(string name, string path, params int[] statuses) => new(name, "GET", path, null, "", statuses);

    private static Hostile Spec(string name, string yaml, string method = "PUT") =>
        new(name, method, method == "PUT" ? "/api/spec" : "/api/spec/check", yaml, "application/yaml", method == "PUT" ? [400] : [200]);

    /// <summary>YAML whose aliases expand to 9^9 (387 million) strings when a reader walks them as a tree.</summary>
    private static readonly string BillionLaughs = string.Join("\n",
        ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
         .. "bcdefghi".Select((c, i) => $"{c}: &{c} [{string.Join(", ", Enumerable.Repeat("*" + "abcdefghi"[i], 9))}]"),
         "functions: *i"]) + "\n";

    public static TheoryData<Hostile> Corpus() =>
    [
        // SQL that reaches beyond the snapshot.
        Sql("sql: install an extension", "INSTALL httpfs"),
        Sql("sql: load an extension", "LOAD httpfs"),
        Sql("sql: read a URL", "SELECT * FROM read_parquet('https://example.com/x.parquet')"),
        Sql("sql: list the file system", "SELECT * FROM glob('/etc/*')"),
        Sql("sql: read a file as a blob", "SELECT * FROM read_blob('/etc/hostname')"),
        Sql("sql: read a file as JSON", "SELECT * FROM read_json_auto('/etc/os-release')"),
        Sql("sql: export the database", "EXPORT DATABASE '/tmp/sideye-hostile-export'"),
        Sql("sql: detach a catalog", "DETACH memory"),
        Sql("sql: raise the memory limit", "SET memory_limit = '100TB'"),
        Sql("sql: reset external access", "RESET enable_external_access"),
        Sql("sql: a second statement after a comment", "SELECT 1 /* */; DROP VIEW stacks"),
        // One string literal ('a'');DROP VIEW stacks;--'), so one harmless SELECT: answered, and nothing dropped.
        Sql("sql: a JSON path that seems to close its string", "SELECT request->'a'');DROP VIEW stacks;--' FROM InfoService_GetInfo", 200),
        Sql("sql: an unterminated string", "SELECT 'abc"),
        Sql("sql: a NUL character", "SELECT 'a\0b' AS s", 200, 400),
        // Parsers and limits.
        Sql("sql: parentheses 100,000 deep", "SELECT " + new string('(', 100_000) + "1" + new string(')', 100_000)),
        Sql("sql: parentheses 100,000 deep around a JSON arrow", "SELECT " + new string('(', 100_000) + "request->'a'" + new string(')', 100_000) + " FROM InfoService_GetInfo"),
        Sql("sql: 100,000 chained JSON arrows", "SELECT request" + string.Concat(Enumerable.Repeat("->'a'", 100_000)) + " FROM InfoService_GetInfo"),
        Sql("sql: 8 MB of comment after a select", "SELECT 1 AS one -- " + new string('x', 8 << 20), 200, 400, 413, 504),
        Sql("sql: a slow cross join", "SELECT sum(hash(a.range * b.range)) FROM range(200000) a, range(200000) b", 504),
        Sql("sql: a memory-hungry aggregate", "SELECT string_agg(repeat('x', 1000000), '') FROM range(4000)", 400, 504),
        // Bodies.
        new("body: malformed JSON", "POST", $"/api/snapshots/{Id}/query", "{\"sql\": \"SELECT 1\"", "application/json", [400]),
        new("body: JSON nested 10,000 deep", "POST", $"/api/snapshots/{Id}/query",
            "{\"sql\": " + new string('[', 10_000) + new string(']', 10_000) + "}", "application/json", [400]),
        new("body: sql is a number", "POST", $"/api/snapshots/{Id}/query", "{\"sql\": 5}", "application/json", [400]),
        new("body: not JSON at all", "POST", $"/api/snapshots/{Id}/query", "SELECT 1", "text/plain", [400, 415]),
        // Names, sort columns, paging and filters.
        Get("path: a table name with a statement", $"/api/snapshots/{Id}/tables/{Uri.EscapeDataString("stacks; DROP VIEW frames")}", 404),
        Get("path: a table name with quotes", $"/api/snapshots/{Id}/tables/{Uri.EscapeDataString("stacks\" WHERE 1=1 --")}", 404),
        Get("query: a sort column with a statement", $"/api/snapshots/{Id}/tables/stacks?order_by={Uri.EscapeDataString("stack_id; DROP VIEW frames")}", 400),
        Get("query: a negative limit", $"/api/snapshots/{Id}/tables/stacks?limit=-1", 400),
        Get("query: a negative offset", $"/api/snapshots/{Id}/tables/stacks?offset=-5", 400),
        Get("query: a limit that is not a number", $"/api/snapshots/{Id}/tables/stacks?limit=abc", 400),
        Get("path: a snapshot id climbing out", $"/api/snapshots/{Uri.EscapeDataString("../../etc")}/stacks", 404),
        Get("path: a stack id past long", $"/api/snapshots/{Id}/stacks/99999999999999999999", 404),
        Get("query: contains with quotes and wildcards", $"/api/snapshots/{Id}/stacks?contains={Uri.EscapeDataString("%'\"_\\")}", 200),
        Get("query: a prefix of 6,000 characters", $"/api/snapshots/{Id}/stacks?prefix={new string('A', 6000)}", 200),
        Get("query: a request line past Kestrel's limit", $"/api/snapshots/{Id}/stacks?prefix={new string('A', 40_000)}", 414, 431),
        Get("query: functions prefix closing its string", $"/api/snapshots/{Id}/functions?prefix={Uri.EscapeDataString("' OR 1=1 --")}", 200),
        Get("query: search for nothing", $"/api/snapshots/{Id}/search?text=", 400),
        Get("query: search text closing its string", $"/api/snapshots/{Id}/search?text={Uri.EscapeDataString("') UNION SELECT * FROM duckdb_settings() --")}", 200),
        Get("query: a diff of unknown snapshots", "/api/diff?from=nope&to=nothing", 404),
        // Source files out of the roots.
        Get("source: an absolute path outside the roots", $"/api/snapshots/{Id}/source?file=/etc/passwd&line=1", 403, 404),
        Get("source: a relative path climbing out", $"/api/snapshots/{Id}/source?file={Uri.EscapeDataString("../../../../etc/passwd")}&line=1", 403, 404),
        Get("source: a negative line", $"/api/snapshots/{Id}/source?file=/etc/passwd&line=-1", 400, 403, 404),
        // Specs.
        Spec("spec: billion laughs", BillionLaughs),
        Spec("spec check: billion laughs", BillionLaughs, method: "POST"),
        Spec("spec: a column that ends its statement", """
            functions:
              - function: SlowRpc.Server.InfoService.GetInfo
                capture: [request]
                columns:
                  - { name: evil, sql: "1); DROP VIEW stacks; --" }
            """),
        Spec("spec: a derived table reading a file", """
            tables:
              - { name: passwd, sql: "SELECT * FROM read_csv('/etc/passwd')" }
            """),
        Spec("spec: a derived table with two statements", """
            tables:
              - { name: two, sql: "SELECT 1; DROP VIEW stacks" }
            """),
        Spec("spec: 4 MB of one scalar", "functions: " + new string('x', 4 << 20)),
        Spec("spec: binary garbage", Encoding.Latin1.GetString([.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 256))])),
    ];

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Each_hostile_request_gets_its_answer_and_changes_nothing(Hostile hostile)
    {
        long specVersion = (await Server.GetJsonAsync("/api/spec")).GetProperty("version").GetInt64();
        var clock = Stopwatch.StartNew();

        (int status, string body) = await SendAsync(hostile);

        Assert.True(hostile.Statuses.Contains(status), $"{hostile.Name}: HTTP {status}, expected {string.Join(" or ", hostile.Statuses)}: {Head(body)}");
        // Everything is answered within the deadline and a margin (the slow and memory-hungry ones by the deadline).
        Assert.True(clock.Elapsed < HostileServer.Deadline + TimeSpan.FromSeconds(8), $"{hostile.Name}: answered after {clock.Elapsed.TotalSeconds:0.0} s");
        if (status >= 400 && status != 414 && status != 431 && status != 413)
        {
            // A problem that says what was wrong, never a stack trace.
            JsonElement problem = JsonElement.Parse(body);
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), hostile.Name);
            Assert.DoesNotContain("   at ", body);
        }
        // The server still answers, with the same data and the same spec.
        Assert.Equal(CorrectAnswer, (await Server.RowsAsync(Id, CorrectSql))[0][0].GetInt32());
        Assert.Equal(specVersion, (await Server.GetJsonAsync("/api/spec")).GetProperty("version").GetInt64());
        Assert.False(File.Exists("/tmp/sideye-hostile-export/schema.sql"), "EXPORT DATABASE wrote files");
    }

    [Fact]
    public async Task A_huge_result_is_cut_at_the_row_cap()
    {
        (int status, JsonElement body) = await Server.QueryAsync(Id, "SELECT range AS n FROM range(100000000)");

        Assert.Equal(200, status);
        Assert.True(body.GetProperty("truncated").GetBoolean());
        Assert.Equal(HostileServer.MaxRows, body.GetProperty("rows").GetArrayLength());
        Assert.Equal(HostileServer.MaxRows - 1, body.GetProperty("rows")[HostileServer.MaxRows - 1][0].GetInt64());
    }

    [Fact]
    public async Task Search_text_is_matched_literally_not_as_a_pattern()
    {
        JsonElement percent = await Server.GetJsonAsync($"/api/snapshots/{Id}/search?text=%25");
        JsonElement underscore = await Server.GetJsonAsync($"/api/snapshots/{Id}/search?text=_");
        JsonElement all = await Server.GetJsonAsync($"/api/snapshots/{Id}/search?text=e");

        Assert.True(all.GetProperty("rows").GetArrayLength() > 0, "the snapshot's captured data holds an 'e' somewhere");
        // No captured value or method of the slow-RPC scene holds a '%'; a LIKE pattern would have matched them all.
        Assert.Equal(0, percent.GetProperty("rows").GetArrayLength());
        foreach (JsonElement row in underscore.GetProperty("rows").EnumerateArray())
            Assert.Contains("_", row.EnumerateArray().Last().GetString());
    }

    /// <summary>
    /// While other clients send slow, huge, memory-hungry and malformed queries in a loop, a client asking a correct
    /// question keeps getting the correct answer, each within the deadline plus a margin.
    /// </summary>
    [Fact]
    public async Task Correct_queries_keep_being_answered_while_others_are_hostile()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(8));
        Hostile[] load =
        [
            Sql("slow", "SELECT sum(hash(a.range * b.range)) FROM range(200000) a, range(200000) b", 503, 504),
            // Its DISTINCT's hash table may reach the 1 GB memory limit before the deadline: a 400 then, as right as a 504.
            Sql("slow too", "SELECT count(DISTINCT hash(a.range, b.range)) FROM range(50000) a, range(50000) b", 400, 503, 504),
            // While "hungry" holds the server's whole memory limit, the others may wait for memory until their deadline
            // and then be told the server is busy (503), never a 500.
            Sql("huge", "SELECT range, repeat('y', 200) FROM range(100000000)", 200, 503),
            Sql("hungry", "SELECT string_agg(repeat('x', 1000000), '') FROM range(4000)", 400, 503, 504),
            Sql("malformed", "SELECT FROM WHERE", 400, 503),
            Spec("laughs", BillionLaughs, method: "POST"),
        ];
        var hostileStatuses = new List<string>();
        Task[] attackers = [.. load.Select(h => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                (int status, string body) = await SendAsync(h);
                lock (hostileStatuses)
                    hostileStatuses.Add(h.Statuses.Contains(status) ? "" : $"{h.Name}: HTTP {status}: {Head(body)}");
            }
        }))];

        var latencies = new List<double>();
        while (!stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            JsonElement rows = await Server.RowsAsync(Id, CorrectSql);
            JsonElement stacks = await Server.GetJsonAsync($"/api/snapshots/{Id}/stacks?pid=1002");
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal(CorrectAnswer, rows[0][0].GetInt32());
            Assert.Equal(CorrectAnswer, stacks.EnumerateArray().Sum(g => g.GetProperty("count").GetInt32()));
        }
        await Task.WhenAll(attackers);

        // Each unexpected answer in full (a collection assertion would cut it): what the server said is the diagnosis.
        string[] unexpected = [.. hostileStatuses.Where(s => s.Length > 0).Distinct()];
        Assert.True(unexpected.Length == 0, "unexpected answers to hostile requests:\n" + string.Join("\n", unexpected));
        Assert.True(hostileStatuses.Count >= load.Length, $"the hostile clients sent only {hostileStatuses.Count} requests");
        Assert.True(latencies.Count >= 5, $"only {latencies.Count} correct answers in 8 s");
        Assert.True(latencies.Max() < (HostileServer.Deadline + TimeSpan.FromSeconds(3)).TotalMilliseconds,
            $"a correct answer took {latencies.Max():0} ms (all: {string.Join(", ", latencies.Select(l => l.ToString("0")))})");
    }

    private async Task<(int Status, string Body)> SendAsync(Hostile hostile)
    {
        using var request = new HttpRequestMessage(new HttpMethod(hostile.Method), hostile.Path);
        if (hostile.Body is not null)
            request.Content = new StringContent(hostile.Body, Encoding.UTF8, hostile.ContentType);
        using HttpResponseMessage response = await Server.Client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Head(string text) => text.Length > 400 ? text[..400] + "…" : text;
}
