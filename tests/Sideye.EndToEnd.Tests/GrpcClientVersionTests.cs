using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// The built-in gRPC recognizer reads Grpc.Net.Client's internals, which change between versions: the demo's client
/// built against an older Grpc.Net.Client from NuGet (2.55.0, two years older than the demo's) still gives one row
/// per call in flight and one logical stack per client reaching its HTTP/2 stream, and no recognizer warning. (A
/// version whose internals it did not know would give empty tables and a warning: the recognizers' contract.)
/// </summary>
public sealed class GrpcClientVersionTests : IAsyncLifetime
{
    private const string OldVersion = "2.55.0";
    private readonly string _work = Path.Combine(Path.GetTempPath(), "sideye-grpc-old-" + Guid.NewGuid().ToString("N")[..8]);
    private string DemoDir => Path.Combine(_work, "demo");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        RunResult start = Repo.Run(Path.Combine(Repo.Root, "dumps/slow-rpc/start.sh"), [DemoDir, "--hold-ms", "60000", "--wait-slow", "--grpc-client-version", OldVersion]);
        Assert.True(start.ExitCode == 0, "start.sh: " + start);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Repo.Run(Path.Combine(Repo.Root, "dumps/slow-rpc/stop.sh"), [DemoDir]);
        Repo.DeleteWorkDir(_work);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_older_Grpc_Net_Client_gives_a_row_and_one_logical_stack_per_call()
    {
        int client = int.Parse(File.ReadAllText(Path.Combine(DemoDir, "client.pid")).Trim(), CultureInfo.InvariantCulture);
        // The precondition that makes this test mean something: the process runs the old library.
        string library = File.ReadLines($"/proc/{client}/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last())
            .First(p => p.EndsWith("/Grpc.Net.Client.dll", StringComparison.Ordinal));
        Assert.StartsWith(OldVersion + ".", FileVersionInfo.GetVersionInfo(library).FileVersion);

        // On 2 busy cores the instant can fall while dozens of responses are on their way back (their calls still in
        // RunCall, the users' awaits already resumed: nothing to join). A real state, not the one this test reads: such
        // a snapshot is set aside and another taken, as SlowRpcFixture does.
        string snapshots = Path.Combine(_work, "snapshots");
        RunResult snap;
        for (int attempt = 1; ; attempt++)
        {
            snap = Repo.Sideye("snap", "--pid", client.ToString(CultureInfo.InvariantCulture), "--out", snapshots);
            Assert.True(snap.ExitCode == 0, "snap: " + snap);
            if (AwaitingHttp2(snap.Stdout + snap.Stderr) >= 90 || attempt == 3)
                break;
            Directory.Delete(snap.LastLine, recursive: true);
            await Task.Delay(500);
        }
        Assert.DoesNotContain("not recognized", snap.Stdout + snap.Stderr); // as in "built-in gRPC client calls: not recognized (...)"
        string spec = Path.Combine(_work, "sideye.yaml");
        File.WriteAllText(spec, "");
        using QueryServerProcess server = await QueryServerProcess.StartAsync(snapshots, spec, Path.Combine(_work, "serve.log"), 1);
        string id = Path.GetFileName(snap.LastLine);

        List<JsonElement> calls = Assert.Single(await server.Api.QueryAsync(id, """
            SELECT count(*), count(DISTINCT stack_id), count(DISTINCT stream_id),
                   count(*) FILTER (stream_id IS NOT NULL AND method = '/SideEyeDemo.SideEyeDemo/GetInfo'),
                   count(*) FILTER (stream_id IS NOT NULL AND remote_endpoint IS NOT NULL AND local_endpoint IS NOT NULL), count(stream_id),
                   count(DISTINCT call_address)
            FROM grpc_client_calls
            """));
        // 100 logical clients, each with its call in flight on its own HTTP/2 stream (a client's finished call may still be
        // in its RunCall beside its next one: a few more rows). A call caught between its request and its stream has none
        // yet: under load (CI, stop mode) up to a sixth of them; most must have one, each its own.
        Assert.InRange(calls[0].GetInt64(), 95, 200);
        Assert.Equal(calls[0].GetInt64(), calls[1].GetInt64());
        // One row per call, though a call whose request body is still being written is on two stacks (body and response).
        Assert.Equal(calls[0].GetInt64(), calls[6].GetInt64());
        Assert.InRange(calls[5].GetInt64(), calls[0].GetInt64() / 2, calls[0].GetInt64());
        Assert.Equal(calls[5].GetInt64(), calls[2].GetInt64());
        // A call on its stream is in flight: it has its method, and its connection's endpoints.
        Assert.Equal(calls[5].GetInt64(), calls[3].GetInt64());
        Assert.Equal(calls[5].GetInt64(), calls[4].GetInt64());

        // Each call in flight has the user's RunClientAsync joined to the library's RunCall; one with its stream reaches it.
        Assert.InRange(await server.Api.ScalarAsync(id, """
            SELECT count(*) FROM grpc_client_calls c WHERE
              EXISTS (SELECT 1 FROM frames f WHERE f.stack_id = c.stack_id AND f.method = 'SlowRpc.Client.LogicalClient.RunClientAsync')
              AND EXISTS (SELECT 1 FROM frames f WHERE f.stack_id = c.stack_id AND f.kind = 'continuation')
            """), 90, calls[0].GetInt64());
        // (A call whose response just arrived keeps its stream after its stream's frames are done: a few do not reach it.)
        Assert.InRange(await server.Api.ScalarAsync(id, """
            SELECT count(*) FROM grpc_client_calls c WHERE c.stream_id IS NOT NULL
              AND EXISTS (SELECT 1 FROM frames f WHERE f.stack_id = c.stack_id AND f.method LIKE 'System.Net.Http.Http2Connection.Http2Stream.%')
            """), calls[5].GetInt64() * 9 / 10, calls[5].GetInt64());
    }

    /// <summary>The stacks the snapshot's summary shows awaiting an HTTP/2 response (the calls in flight, joined).</summary>
    private static int AwaitingHttp2(string output) =>
        System.Text.RegularExpressions.Regex.Matches(output, @"(\d+) x async +System\.Net\.Http\.Http2Connection\.Http2Stream\.ReadResponseHeadersAsync")
            .Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
}
