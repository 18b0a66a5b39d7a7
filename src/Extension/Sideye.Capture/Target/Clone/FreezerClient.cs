using System.Diagnostics;
using System.Text.Json;
using Sideye.Freezer.Protocol;

namespace Sideye.Capture.Target.Clone;

/// <summary>
/// Talks to a <c>sideye-freezer</c> process, the only process that ptraces live targets in clone mode. It is its own
/// process so that nothing this one does (a DAC crash, SIGKILL, Ctrl-C) can interrupt it while a target's thread runs
/// an injected clone(): when we go away its input ends, and it finishes, kills and reaps the clones, and exits.
/// </summary>
internal sealed class FreezerClient : IDisposable
{
    private readonly Process _process;
    private readonly Action<string> _log;
    private readonly object _exchange = new(); // one request, one answer: walkers of several processes share us
    private string? _broken;

    private FreezerClient(Process process, Action<string> log)
    {
        _process = process;
        _log = log;
    }

    /// <summary>Starts the freezer (its runtime starts while the caller warms up); throws when it cannot be started.</summary>
    public static FreezerClient Start(Action<string> log)
    {
        string dll = Path.Combine(Path.GetDirectoryName(typeof(FreezerRequest).Assembly.Location) ?? "", "sideye-freezer.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"sideye-freezer.dll is missing beside {typeof(FreezerRequest).Assembly.Location}", dll);
        var psi = new ProcessStartInfo(DotnetHost(), [dll])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["DOTNET_TieredPGO"] = "0";
        Process process = Process.Start(psi) ?? throw new InvalidOperationException("the freezer did not start");
        var client = new FreezerClient(process, log);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
                log(line);
        };
        process.BeginErrorReadLine();
        return client;
    }

    public int Pid => _process.Id;

    public FreezeReply Freeze(IReadOnlyList<int> pids, TimeSpan timeout) =>
        Ask(new FreezerRequest(FreezerRequest.Freeze, Pids: pids), FreezerJson.Default.FreezeReply, timeout);

    public ReleaseReply Release(int pid, TimeSpan timeout) =>
        Ask(new FreezerRequest(FreezerRequest.Release, Pid: pid), FreezerJson.Default.ReleaseReply, timeout);

    private T Ask<T>(FreezerRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> reply, TimeSpan timeout)
    {
        lock (_exchange)
        {
            if (_broken is not null)
                throw new FreezerException(_broken);
            if (_process.HasExited)
                throw new FreezerException(_broken = $"the freezer exited (code {_process.ExitCode})");
            try
            {
                _process.StandardInput.WriteLine(JsonSerializer.Serialize(request, FreezerJson.Default.FreezerRequest));
                _process.StandardInput.Flush();
            }
            catch (IOException e)
            {
                throw new FreezerException(_broken = $"the freezer is gone ({e.Message})");
            }
            Task<string?> line = _process.StandardOutput.ReadLineAsync();
            // A late answer would be taken for the next request's: after a timeout nothing more is asked.
            if (!line.Wait(timeout))
                throw new FreezerException(_broken = $"the freezer did not answer '{request.Op}' within {timeout.TotalSeconds:0} s");
            string text = line.Result ?? throw new FreezerException(_broken = "the freezer exited without answering");
            return JsonSerializer.Deserialize(text, reply) ?? throw new FreezerException($"the freezer's answer was empty: {text}");
        }
    }

    /// <summary>Tells the freezer to quit (it kills and reaps any clone still held first) and waits a little for it.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine(JsonSerializer.Serialize(new FreezerRequest(FreezerRequest.Quit), FreezerJson.Default.FreezerRequest));
                _process.StandardInput.Close();
                if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
                    _log($"the freezer ({_process.Id}) is still finishing; it exits on its own once its clones are reaped");
            }
        }
        catch (IOException)
        {
            // it is already gone
        }
        _process.Dispose();
    }

    /// <summary>
    /// The dotnet host running us (the freezer is a framework-dependent app); when we run from an apphost (the installed
    /// `sideye` tool), the host of the runtime we run on (<c>&lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/</c>),
    /// then DOTNET_ROOT's, then the one on PATH.
    /// </summary>
    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        string runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        string? ours = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(runtime))));
        if (ours is not null && File.Exists(Path.Combine(ours, "dotnet")))
            return Path.Combine(ours, "dotnet");
        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        return root is not null && File.Exists(Path.Combine(root, "dotnet")) ? Path.Combine(root, "dotnet") : "dotnet";
    }
}

/// <summary>The freezer could not be asked (not started, exited, timed out): the capture falls back to stopping targets.</summary>
internal sealed class FreezerException(string message) : Exception(message);
