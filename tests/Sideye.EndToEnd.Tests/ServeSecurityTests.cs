using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace Sideye.EndToEnd.Tests;

/// <summary>`./sideye serve` beyond loopback, as an operator runs it: refused without a key, a key that works and is never logged, --no-auth's warning.</summary>
public sealed class ServeSecurityTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "sideye-serve-sec-" + Guid.NewGuid().ToString("N")[..8]);

    public ServeSecurityTests() => Directory.CreateDirectory(Path.Combine(_work, "snapshots"));

    public void Dispose() => Repo.DeleteWorkDir(_work);

    [Fact]
    public void Listening_on_every_interface_without_a_key_is_refused_with_what_to_do()
    {
        RunResult r = Repo.Sideye("serve", "--snapshots", Path.Combine(_work, "snapshots"), "--urls", $"http://0.0.0.0:{FreePort()}");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("can be reached from other machines", r.Stderr);
        Assert.Contains("sideye generatekey", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr + r.Stdout);
    }

    [Fact]
    public async Task A_generated_key_opens_the_server_and_appears_in_none_of_its_output()
    {
        RunResult generated = Repo.Sideye("generatekey");
        Assert.Equal(0, generated.ExitCode);
        string key = Line(generated.Stdout, "key:");
        string hash = Line(generated.Stdout, "hash:");
        Assert.StartsWith("sha256:", hash);

        int port = FreePort();
        (Process server, StringBuilder output) = Start("--urls", $"http://0.0.0.0:{port}", "--api-key-hash", hash);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilListeningAsync(http);
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/snapshots")).StatusCode);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/snapshots") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/snapshots") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key + "x") } };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
        lock (output)
            Assert.DoesNotContain(key, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_auth_serves_beyond_loopback_with_a_warning()
    {
        int port = FreePort();
        (Process server, StringBuilder output) = Start("--urls", $"http://0.0.0.0:{port}", "--no-auth");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilListeningAsync(http);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/snapshots")).StatusCode);
            var deadline = Stopwatch.StartNew();
            while (!Contains(output, "warning: --no-auth: anyone who can connect to") && deadline.Elapsed < TimeSpan.FromSeconds(10))
                await Task.Delay(100);
            Assert.True(Contains(output, $"warning: --no-auth: anyone who can connect to http://0.0.0.0:{port} can read every snapshot's captured values"), output.ToString());
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
    }

    private (Process Server, StringBuilder Output) Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Repo.Launcher)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repo.Root,
            ArgumentList = { "serve", "--snapshots", Path.Combine(_work, "snapshots") },
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        var output = new StringBuilder();
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private static async Task WaitUntilListeningAsync(HttpClient http)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await http.GetAsync("/api/health");
                return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(200);
            }
        }
    }

    private static bool Contains(StringBuilder output, string text)
    {
        lock (output)
            return output.ToString().Contains(text, StringComparison.Ordinal);
    }

    private static string Line(string text, string prefix) =>
        text.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
