using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sideye.Cli.Isolation;

/// <summary>
/// Runs a live capture in a child process of ours and takes it again when that child dies of a signal.
/// </summary>
/// <remarks>
/// The runtime's DAC reads a frozen instant as if every structure in it were consistent. Some the runtime updates
/// without a lock, and an instant can catch one half-written: on .NET 11.0.0 the table of generic and async-variant
/// method instantiations, which the DAC enumerates to map a code address to IL offsets, had an entry with no method
/// yet, and the DAC dereferenced it: SIGSEGV, which no managed code can catch (about one snapshot in five of a freshly
/// started service; none once it has warmed up). A crash in the child loses only that attempt: its freezer sees it die
/// and lets its clones go (the targets have run on all along), and the next attempt freezes a new instant. The child
/// dies with us (<see cref="BindToSupervisor"/>), so killing `sideye` still stops the capture.
/// </remarks>
internal static class CrashIsolation
{
    private const string WorkerVariable = "SIDEYE_CAPTURE_WORKER"; // the supervisor's pid, in the child
    private const int Attempts = 3;

    /// <summary>True in the child (it captures itself); false in the supervisor, or when isolation is off.</summary>
    public static bool InWorker => Environment.GetEnvironmentVariable(WorkerVariable) is not null;

    /// <summary>SIDEYE_CRASH_ISOLATION=0 captures in this process (a debugger attached to `sideye`).</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("SIDEYE_CRASH_ISOLATION") != "0";

    /// <summary>
    /// In the child: dies with the supervisor, as if killed with it. Not PR_SET_PDEATHSIG: that signal follows the
    /// parent's thread that started the child, and .NET retires idle pool threads while the child still works.
    /// A watch of the parent instead: once it is gone the child is re-parented, and it kills itself (its freezer then
    /// lets the clones go, as when `sideye` is killed).
    /// </summary>
    public static void BindToSupervisor()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(WorkerVariable), out int supervisor))
            return;
        var watch = new Thread(() =>
        {
            while (getppid() == supervisor)
                Thread.Sleep(100);
            _ = kill(Environment.ProcessId, SIGKILL);
        })
        { IsBackground = true, Name = "sideye-supervisor-watch" };
        watch.Start();
    }

    /// <summary>Runs this same command line in a child until it ends by itself (not by a signal), at most 3 times.</summary>
    public static Task<int> SuperviseAsync(Action<string> progress, CancellationToken cancellationToken) =>
        SuperviseAsync(Environment.GetCommandLineArgs().Skip(1).ToList(), progress, cancellationToken);

    /// <summary>Runs `sideye <paramref name="args"/>` in a child until it ends by itself, at most 3 times.</summary>
    /// <param name="keepStdout">False: what the child prints on stdout is dropped (its result comes another way).</param>
    public static async Task<int> SuperviseAsync(IReadOnlyList<string> args, Action<string> progress, CancellationToken cancellationToken, bool keepStdout = true)
    {
        for (int attempt = 1; ; attempt++)
        {
            using Process child = StartWorker(args, attempt, keepStdout);
            using (cancellationToken.Register(() => Signal(child, SIGTERM))) // Ctrl-C reaches it from the terminal too
                await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            int code = child.ExitCode;
            if (code <= 128 || code > 128 + 64 || cancellationToken.IsCancellationRequested)
                return code;
            string signal = (code - 128) switch { 11 => "SIGSEGV", 6 => "SIGABRT", 7 => "SIGBUS", 4 => "SIGILL", 9 => "SIGKILL", int n => $"signal {n}" };
            if (attempt == Attempts)
            {
                progress($"error: the capture died of {signal} {Attempts} times in a row; nothing was captured. Every target ran on all along. Set SIDEYE_CRASH_ISOLATION=0 and run it under a debugger to see where.");
                return code;
            }
            progress($"the capture died of {signal} (the runtime's DAC reading a structure the target was updating at the frozen instant); every target ran on all along. Taking the snapshot again at a new instant ({attempt + 1} of {Attempts})");
        }
    }

    private static Process StartWorker(IReadOnlyList<string> args, int attempt, bool keepStdout)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown");
        var start = new ProcessStartInfo(self) { UseShellExecute = false, RedirectStandardOutput = !keepStdout }; // else stdin, stdout and stderr are ours
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(CrashIsolation).Assembly.Location); // `dotnet sideye.dll ...`
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        start.Environment[WorkerVariable] = Environment.ProcessId.ToString();
        start.Environment["SIDEYE_CAPTURE_ATTEMPT"] = attempt.ToString();
        Process child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {self}");
        if (!keepStdout)
        {
            child.OutputDataReceived += (_, _) => { };
            child.BeginOutputReadLine();
        }
        return child;
    }

    private static void Signal(Process process, int signal)
    {
        try
        {
            if (!process.HasExited)
                _ = kill(process.Id, signal);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private const int SIGKILL = 9;
    private const int SIGTERM = 15;

    [DllImport("libc")]
    private static extern int getppid();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
