using Microsoft.Diagnostics.DebugServices;
using Microsoft.Diagnostics.Runtime;
using Sideye.Capture;
using Sideye.Capture.Engine;
using Sideye.Capture.Target;

namespace Sideye.DotnetDump;

/// <summary>
/// `sideye snap --out DIR` inside `dotnet-dump analyze`: writes the same snapshot as `./sideye snap --dump`,
/// from the runtime the host already opened. This file only parses options and calls the engine; any
/// failure is printed, never thrown, because an exception escaping a command takes dotnet-dump down.
/// </summary>
[Command(Name = "sideye", Aliases = ["!sideye"], Help = "Sideye snapshot debugger: `sideye snap --out <DIR> [--spec <FILE>]` writes a snapshot (threads, async stacks) of this dump.")]
public sealed class SideyeCommand : CommandBase
{
    [Argument(Name = "verb", Help = "snap (the default) or help.")]
    public string[] Verb { get; set; } = [];

    [Option(Name = "--out", Help = "Directory that receives the snapshot (a new sub-directory named after the snapshot id). Default: ./snapshots")]
    public string? Out { get; set; }

    [Option(Name = "--spec", Help = "Spec file (YAML) naming the variables to capture.")]
    public string? Spec { get; set; }

    [ServiceImport(Optional = true)]
    public ClrRuntime? Runtime { get; set; }

    [ServiceImport(Optional = true)]
    public ITarget? Target { get; set; }

    /// <summary>The host's view of the runtime: it knows which DAC it loaded (possibly downloaded for a dump from elsewhere).</summary>
    [ServiceImport(Optional = true)]
    public IRuntime? HostRuntime { get; set; }

    public override void Invoke()
    {
        try
        {
            string verb = Verb.Length == 0 ? "snap" : Verb[0];
            switch (verb)
            {
                case "snap":
                    Snap();
                    break;
                case "help":
                    WriteLine("sideye snap --out <DIR> [--spec <FILE>]   snapshot this dump: every thread stack and every async logical stack");
                    break;
                default:
                    WriteLineError($"sideye: unknown verb '{verb}'. Try `sideye snap --out <DIR>` or `sideye help`.");
                    break;
            }
        }
        catch (Exception e)
        {
            // Deliberately broad: whatever went wrong (a torn dump, a missing method in the host's ClrMD),
            // the user's dotnet-dump session must survive it.
            WriteLineError($"sideye: {e.GetType().Name}: {e.Message}");
        }
    }

    private void Snap()
    {
        if (Runtime is null)
        {
            WriteLineError("sideye: no .NET runtime found in this target; Sideye needs a dump of a .NET process (collect with `dotnet-dump collect -p PID`).");
            return;
        }
        int pid = (int)(Target?.ProcessId ?? (uint)Runtime.DataTarget.DataReader.ProcessId);
        string dumpName = Runtime.DataTarget.DataReader.DisplayName is { Length: > 0 } display ? display : $"dotnet-dump target {Target?.Id}";
        var request = new CaptureRequest(new OpenedRuntime(Runtime, pid, dumpName, HostRuntime?.GetDacFilePath(out _)))
        {
            OutDirectory = Out ?? CaptureRequest.DefaultOutDirectory,
            SpecPath = Spec,
        };
        try
        {
            // dotnet-dump calls commands synchronously; the engine's writer is async.
            SnapshotOutcome outcome = Task.Run(() => CaptureEngine.CaptureAsync(request, message => WriteLine("sideye: " + message))).GetAwaiter().GetResult();
            WriteLine(outcome.Directory ?? "");
        }
        catch (CaptureSpecException e)
        {
            foreach (SpecCompiler.SpecDiagnostic d in e.Diagnostics)
                WriteLineError(d.ToString());
            WriteLineError("sideye: " + e.Message);
        }
        catch (TargetException e)
        {
            WriteLineError("sideye: " + e.Message);
        }
    }
}
