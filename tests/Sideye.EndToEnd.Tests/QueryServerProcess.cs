using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// `./sideye serve` over a snapshots folder with a spec, on a free loopback port, as a user runs it; its log
/// goes to a file beside the snapshots (kept with SIDEYE_KEEP_E2E=1) for post-mortems.
/// </summary>
public sealed class QueryServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private QueryServerProcess(Process process, HttpClient http)
    {
        _process = process;
        _http = http;
        Api = new QueryClient(http);
    }

    public QueryClient Api { get; }

    /// <summary>Where it listens, e.g. <c>http://127.0.0.1:43121/</c>: the web app is at its root.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>Starts the server and returns once it lists <paramref name="expectedSnapshots"/> snapshots.</summary>
    /// <param name="allowCapture">Start it with <c>--allow-capture</c> (POST /api/snapshots takes snapshots).</param>
    /// <param name="environment">Variables added to its environment (the fault tests' SIDEYE_TEST_HOLD).</param>
    /// <param name="sourceRoots">Its <c>--source-root</c> folders (the stacks view shows frames' source under them).</param>
    /// <param name="sideye">The <c>sideye</c> to run (an installed tool's); the repository's launcher unless given.</param>
    /// <param name="workingDirectory">Where it runs; the repository root unless given.</param>
    public static async Task<QueryServerProcess> StartAsync(string snapshotsDir, string specPath, string logPath, int expectedSnapshots,
        bool allowCapture = false, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? sourceRoots = null,
        string? sideye = null, string? workingDirectory = null)
    {
        int port = FreePort();
        var start = new ProcessStartInfo(sideye ?? Repo.Launcher)
        {
            ArgumentList = { "serve", "--snapshots", snapshotsDir, "--spec", specPath, "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Repo.Root,
        };
        if (allowCapture)
            start.ArgumentList.Add("--allow-capture");
        foreach (string root in sourceRoots ?? [])
        {
            start.ArgumentList.Add("--source-root");
            start.ArgumentList.Add(root);
        }
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var process = Process.Start(start)!;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new QueryServerProcess(process,
            new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) });

        var deadline = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                try
                {
                    var list = await server.Api.GetJsonAsync("/api/snapshots");
                    if (list.GetArrayLength() >= expectedSnapshots)
                        return server;
                }
                catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(120))
                {
                }
                if (deadline.Elapsed > TimeSpan.FromSeconds(120))
                    throw new TimeoutException($"the query server did not list {expectedSnapshots} snapshots in 120 s; see {logPath}");
                await Task.Delay(300);
            }
        }
        catch
        {
            server.Dispose(); // a server that never came up is not left running (the last refused connection ends the wait too)
            throw;
        }
    }

    /// <summary>The server's process id (the launcher execs it).</summary>
    public int Pid => _process.Id;

    /// <summary>"running" or how it ended: for a failed request's message (did the server die, or only the connection?).</summary>
    public string State => _process.HasExited ? $"exited with code {_process.ExitCode}" : "running";

    public void Dispose()
    {
        _http.Dispose();
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
