using System.CommandLine;
using Sideye.Capture;
using Sideye.Capture.Engine;
using Sideye.Capture.Target;
using Sideye.Capture.Walk;
using Sideye.Cli.Isolation;
using Sideye.Snapshot;
using Sideye.SpecCompiler;

namespace Sideye.Cli.Commands;

/// <summary>`sideye snap`: snapshot live processes or a core dump into a snapshot directory.</summary>
internal static class SnapCommand
{
    public static Command Create()
    {
        var pids = new Option<int[]>("--pid") { Description = "PID of a live .NET process; repeat for several processes in one snapshot." };
        var names = new Option<string[]>("--name") { Description = "A live .NET process by the name `sideye ps` shows (SlowRpc.Server); repeatable; `*` and `?` match several (SlowRpc.*)." };
        var dump = new Option<FileInfo?>("--dump") { Description = "A Linux core dump (e.g. from `dotnet-dump collect`) instead of live processes." };
        var outDir = new Option<DirectoryInfo>("--out")
        {
            Description = "Directory that receives the snapshot (a new sub-directory named after the snapshot id).",
            DefaultValueFactory = _ => new DirectoryInfo(CaptureRequest.DefaultOutDirectory),
        };
        var spec = new Option<FileInfo?>("--spec") { Description = "Spec file (YAML) naming the variables to capture." };
        var maxPause = new Option<double>("--max-pause-seconds")
        {
            Description = "Abandon (and resume) a process whose walk takes longer than this.",
            DefaultValueFactory = _ => 30,
        };
        var pauseMode = new Option<PauseMode>("--pause-mode")
        {
            Description = "How a live process is paused. clone: stopped only while it makes a copy-on-write clone of itself (milliseconds, whatever its heap), and the clone is walked while it runs (the default on Linux x64). stop: stopped for the whole walk. The default can be set with SIDEYE_PAUSE_MODE.",
            DefaultValueFactory = _ => SnapshotSession.DefaultPauseMode,
        };
        pauseMode.AcceptOnlyFromAmong("clone", "stop");
        // For the query server's capture endpoint, which runs the capture as a process of its own (CrashIsolation).
        var specLabel = new Option<string?>("--spec-label") { Description = "How the snapshot names the spec, instead of the --spec file's path.", Hidden = true };
        var outcomeFile = new Option<FileInfo?>("--outcome") { Description = "Also write the outcome (directory, errors) to this JSON file.", Hidden = true };
        var command = new Command("snap", "Snapshot live processes (--pid, repeatable) or a core dump (--dump): every thread stack and every async logical stack. Prints the snapshot directory as the last line.")
        {
            pids, names, dump, outDir, spec, maxPause, pauseMode, specLabel, outcomeFile,
        };
        command.Validators.Add(result =>
        {
            bool hasPid = result.GetValue(pids) is { Length: > 0 } || result.GetValue(names) is { Length: > 0 };
            bool hasDump = result.GetValue(dump) is not null;
            if (hasPid == hasDump)
                result.AddError("give either --pid <PID> or --name <process name> (repeatable), or --dump <core>: not both and not neither.");
        });
        // System.CommandLine cancels this token on Ctrl-C and SIGTERM; the capture's finally blocks then
        // resume and detach every target.
        command.SetAction(async (parse, cancellationToken) =>
        {
            // A live capture runs in a child process, taken again if a DAC crash kills it (see CrashIsolation).
            if (parse.GetValue(dump) is null && CrashIsolation.Enabled && !CrashIsolation.InWorker)
                return await CrashIsolation.SuperviseAsync(CliConsole.Progress, cancellationToken);
            CrashIsolation.BindToSupervisor();
            string? outcomePath = parse.GetValue(outcomeFile)?.FullName;
            int Fail(int code, string message, IReadOnlyList<string>? errors = null)
            {
                CliConsole.Error(message);
                new CaptureOutcomeFile(null, errors ?? [], message).WriteToIf(outcomePath);
                return code;
            }
            SnapshotOutcome outcome;
            try
            {
                CaptureTarget target = parse.GetValue(dump) is FileInfo core
                    ? new CoreDump(core.FullName)
                    : new LiveProcesses(Targets(parse.GetValue(pids), parse.GetValue(names)));
                outcome = await CaptureEngine.CaptureAsync(new CaptureRequest(target)
                {
                    OutDirectory = parse.GetValue(outDir)!.FullName,
                    SpecPath = parse.GetValue(spec)?.FullName,
                    SpecLabel = parse.GetValue(specLabel),
                    PauseMode = parse.GetValue(pauseMode),
                    MaxPause = TimeSpan.FromSeconds(parse.GetValue(maxPause)),
                }, CliConsole.Progress, cancellationToken);
            }
            catch (CaptureSpecException e)
            {
                foreach (SpecDiagnostic d in e.Diagnostics)
                    Console.Error.WriteLine(d.ToString());
                return Fail(2, e.Message);
            }
            catch (TargetException e)
            {
                return Fail(2, e.Message);
            }
            catch (OperationCanceledException)
            {
                return Fail(130, "cancelled; every target was resumed and detached.");
            }
            if (outcome.Directory is null)
                return Fail(2, "nothing was captured.", outcome.Errors);
            PrintSummary(outcome);
            foreach (string e in outcome.Errors)
                CliConsole.Progress($"warning: partial snapshot: {e}");
            new CaptureOutcomeFile(outcome.Directory, outcome.Errors, null).WriteToIf(outcomePath);
            CliConsole.Result(outcome.Directory);
            return 0;
        });
        return command;
    }

    /// <summary>The pids given, then those of the processes named (each name resolved against `sideye ps`'s list).</summary>
    private static IReadOnlyList<int> Targets(int[]? pids, string[]? names)
    {
        var all = new List<int>(pids ?? []);
        if (names is { Length: > 0 })
        {
            IReadOnlyList<DotnetProcess> running = ProcessDiscovery.List();
            foreach (string name in names)
                all.AddRange(ProcessDiscovery.ByName(name, running).Select(p => p.Pid));
        }
        return [.. all.Distinct()];
    }

    private static void PrintSummary(SnapshotOutcome outcome)
    {
        foreach (ProcessCaptureResult p in outcome.Processes)
        {
            int threads = p.Stacks.Count(s => s.Kind == StackKinds.Thread);
            int asyncs = p.Stacks.Count(s => s.Kind == StackKinds.Async);
            string pause = p.PauseMs is double ms ? $", paused {ms:0.0} ms" : "";
            CliConsole.Progress($"{p.Name} (pid {p.Pid}): {threads} thread stacks, {asyncs} async stacks{pause}");
            foreach (string warning in p.Warnings)
                CliConsole.Progress($"  warning: {warning}");
            // The busiest places first: identical leaf-to-root method lists grouped, like Side-Eye's stacks view.
            foreach (var group in p.Stacks.GroupBy(StackKey).OrderByDescending(g => g.Count()).Take(5))
            {
                CapturedStack s = group.First();
                // The runtime's own wait implementation (.NET 11's managed WaitSubsystem) is not what a thread waits in:
                // the call that waits is (Thread.Sleep, WaitHandle.WaitOne...), as on earlier runtimes.
                string leaf = s.Frames.FirstOrDefault(f => f.Kind is FrameKinds.Managed or FrameKinds.Async
                    && !f.Method.StartsWith("System.Threading.WaitSubsystem.", StringComparison.Ordinal))?.Method ?? s.Frames[0].Method;
                CliConsole.Progress($"  {group.Count(),4} x {s.Kind,-6} {leaf}{(s.Awaiting is null ? "" : $"  (awaiting {s.Awaiting})")}");
            }
        }
    }

    private static string StackKey(CapturedStack s) =>
        s.Kind + "|" + string.Join(";", s.Frames.Select(f => $"{f.Method}:{f.Line ?? f.IlOffset}"));
}
