using System.CommandLine;
using Sideye.Capture;
using Sideye.Capture.Symbols;
using Sideye.Capture.Target;
using Sideye.SpecCompiler;

namespace Sideye.Cli.Commands;

/// <summary>
/// `sideye spec vars Ns.Type.Method --pid P | --dump CORE`: what a spec can capture from a method, and what a
/// capture finds right now. First the method's parameters and locals from its metadata and PDB (for an async
/// method, which are hoisted into the state machine) and its local scopes as IL ranges; then a real capture
/// of every one of them, with a plan made for the method, and for each frame of it on a stack whether each
/// variable was available (with its value) or why not.
/// </summary>
internal static class SpecVarsCommand
{
    public static Command Create()
    {
        var function = new Argument<string>("method") { Description = "The method as a spec names it: Namespace.Type.Method (nested types with dots)." };
        var pid = new Option<int?>("--pid") { Description = "A live .NET process; it is paused once, briefly, for the capture (like `sideye snap`)." };
        var dump = new Option<FileInfo?>("--dump") { Description = "A core dump instead of a live process." };
        var maxPause = new Option<double>("--max-pause-seconds")
        {
            Description = "Abandon (and resume) the capture if the process stays paused longer than this.",
            DefaultValueFactory = _ => 30,
        };
        var command = new Command("vars",
            "List a method's parameters and locals (with types; for async methods, which are hoisted into the state machine) and its PDB local scopes, then capture the target and show, for each frame of the method on a thread or async stack, which variables are available there and their values.")
        {
            function, pid, dump, maxPause,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            string name = parse.GetValue(function)!;
            int? processId = parse.GetValue(pid);
            FileInfo? core = parse.GetValue(dump);
            if (!name.Contains('.', StringComparison.Ordinal))
            {
                CliConsole.Error($"'{name}' is not a method name: write it as a spec does, Namespace.Type.Method (nested types with dots), e.g. SlowRpc.Server.InfoService.GetInfo.");
                return Task.FromResult(2);
            }
            if (processId is null == core is null)
            {
                CliConsole.Error("give either --pid <PID> or --dump <core>: the method's variables are read from the target's modules, and its frames from a capture of the target.");
                return Task.FromResult(2);
            }
            try
            {
                return Task.FromResult(core is not null
                    ? RunDump(name, core.FullName, cancellationToken)
                    : RunLive(name, processId!.Value, TimeSpan.FromSeconds(parse.GetValue(maxPause)), cancellationToken));
            }
            catch (TargetException e)
            {
                CliConsole.Error(e.Message);
                return Task.FromResult(2);
            }
            catch (OperationCanceledException)
            {
                CliConsole.Error("cancelled; the target was resumed and detached.");
                return Task.FromResult(130);
            }
        });
        return command;
    }

    private static int RunLive(string function, int pid, TimeSpan maxPause, CancellationToken cancellationToken)
    {
        MethodDescription? method;
        (string who, IReadOnlyList<string> paths) = TargetModules.OfProcess(pid); // not paused, detached on return
        using (var symbols = new SymbolCache())
        {
            if (!TryDescribe(function, who, paths, symbols, out method))
                return 1;
        }

        using var session = new SnapshotSession(CliConsole.Progress) { MaxPause = maxPause, Plan = PlanFor(method) };
        LiveCaptureOutcome outcome = session.CaptureLive([pid], cancellationToken);
        foreach (string error in outcome.Errors)
            CliConsole.Error(error);
        if (outcome.Processes.Count == 0)
            return 2;
        SpecVarsReport.PrintFrames(method, outcome.Processes[0]);
        return 0;
    }

    private static int RunDump(string function, string dumpPath, CancellationToken cancellationToken)
    {
        using DumpProbe dump = DumpProbe.Open(dumpPath);
        using var symbols = new SymbolCache();
        if (!TryDescribe(function, dump.Description, dump.ModulePaths, symbols, out MethodDescription? method))
            return 1;
        ProcessCaptureResult result = dump.Capture(symbols, PlanFor(method), cancellationToken);
        SpecVarsReport.PrintFrames(method, result);
        return 0;
    }

    private static bool TryDescribe(string function, string who, IReadOnlyList<string> paths, SymbolCache symbols,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MethodDescription? method)
    {
        var methods = new TargetMethods(paths, symbols);
        if (methods.TryDescribe(function, out method))
        {
            SpecVarsReport.PrintMethod(method);
            return true;
        }
        IReadOnlyList<string> close = FunctionSuggestions.Suggest(function, methods.EnumerateFunctionNames().ToList());
        string fix = close.Count == 0
            ? "Check the namespace, type and method names (nested types are written Outer.Inner, no parameter list) and that its module is loaded in the target."
            : "Did you mean " + string.Join(" or ", close.Select(c => $"'{c}'")) + "?";
        CliConsole.Error($"method '{function}' not found in the modules of {who}. {fix}");
        if (TargetModules.MissingFilesNote(paths) is { } note)
            CliConsole.Progress("note: " + note);
        return false;
    }

    /// <summary>
    /// A plan that captures every variable the method has, under its own name, including those that cannot be
    /// captured (not hoisted): the engine then says itself why each one is missing, which is the point here.
    /// Smaller budgets than a spec's defaults: values are shown cut to one line anyway.
    /// </summary>
    private static CapturePlan PlanFor(MethodDescription method)
    {
        EquatableArray<VariableCapture> variables = method.Overloads
            .SelectMany(o => o.Variables)
            .Select(v => v.Name)
            .Distinct(StringComparer.Ordinal)
            .Select(name => new VariableCapture(name, name, []))
            .ToEquatableArray();
        var limits = new CaptureLimits { MaxStringBytes = 200, MaxCollectionItems = 8, MaxDepth = 3 };
        return new CapturePlan([new FunctionCapture(method.Function, "spec_vars", variables)], limits, []);
    }
}
