using System.CommandLine;
using Sideye.Capture.Symbols;
using Sideye.Capture.Target;
using Sideye.QueryServer.Specs;
using Sideye.SpecCompiler;

namespace Sideye.Cli.Commands;

/// <summary>
/// `sideye spec check FILE [--pid P... | --dump CORE]`: every check the spec compiler has, in one run. The file
/// alone (YAML, keys, names, links), its SQL bound in an embedded DuckDB, and with a target its functions and
/// variables looked up in the target's modules and PDBs. Prints compiler-style diagnostics and a summary.
/// Exit codes: 0 valid (warnings allowed), 1 errors in the spec, 2 the check could not run.
/// </summary>
internal static class SpecCheckCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The spec file (YAML)." };
        var pids = new Option<int[]>("--pid")
        {
            Description = "Check functions and variables against this live .NET process (not paused); repeat for a spec used with several processes in one snapshot: each function must be in one of them.",
        };
        var dump = new Option<FileInfo?>("--dump") { Description = "Check functions and variables against a core dump's modules instead." };
        var command = new Command("check",
            "Validate a spec: YAML, keys and names, links, and its SQL (bound in DuckDB); with --pid or --dump also that every function exists in the target and every captured variable is one of its arguments or locals. Prints file:line:column diagnostics; exits 0 when valid, 1 on errors, 2 when the check cannot run.")
        {
            file, pids, dump,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            int[] pidList = parse.GetValue(pids) ?? [];
            FileInfo? core = parse.GetValue(dump);
            if (pidList.Length > 0 && core is not null)
            {
                CliConsole.Error("give --pid <PID> (repeatable) or --dump <core>, not both: a snapshot is of live processes or of one dump.");
                return 2;
            }
            if (!File.Exists(path))
            {
                CliConsole.Error(Directory.Exists(path)
                    ? $"{path} is a directory; give the spec file itself, e.g. {Path.Combine(path, "sideye.yaml")}."
                    : $"spec file {path} does not exist; check the path (it is relative to {Environment.CurrentDirectory}).");
                return 2;
            }
            return Run(path, pidList, core?.FullName);
        });
        return command;
    }

    private static int Run(string path, int[] pids, string? dumpPath)
    {
        SpecParseResult loaded = SpecLoader.LoadFile(path);
        var diagnostics = new List<SpecDiagnostic>(loaded.Diagnostics);
        var notes = new List<(int Line, int Column, string Text)>();
        string? checkedAgainst = null;
        if (loaded.Spec is Spec spec)
        {
            using var symbols = new SymbolCache();
            TargetMethods? targets;
            try
            {
                targets = OpenTargets(pids, dumpPath, symbols, out checkedAgainst);
            }
            catch (TargetException e)
            {
                CliConsole.Error(e.Message);
                return 2;
            }
            using var binder = new StandaloneSqlBinder();
            // Validate re-runs the file's own checks; a loaded spec's warnings would then appear twice.
            diagnostics.AddRange(SpecValidator.Validate(spec, targets, binder).Except(loaded.Diagnostics));
            if (targets is not null)
                notes.AddRange(Notes(spec, targets));
        }

        // One line per problem, as compilers print them, so editors and CI logs can jump to it; DuckDB's
        // messages carry a second line ("Candidate bindings: ...") that would break that.
        var lines = diagnostics.Select(d => (d.Line, d.Column, Text: d.ToString()))
            .Concat(notes)
            .OrderBy(l => l.Line).ThenBy(l => l.Column);
        foreach ((_, _, string text) in lines)
            CliConsole.Result(text.ReplaceLineEndings(" "));
        CliConsole.Result(Summary(path, loaded.Spec, diagnostics, checkedAgainst));
        return diagnostics.Any(d => d.IsError) ? 1 : 0;
    }

    /// <summary>Null without a target: the spec is then checked on its own (and against DuckDB).</summary>
    private static TargetMethods? OpenTargets(int[] pids, string? dumpPath, SymbolCache symbols, out string? description)
    {
        var paths = new List<string>();
        var names = new List<string>();
        if (dumpPath is not null)
        {
            (string who, IReadOnlyList<string> modules) = TargetModules.OfDump(dumpPath);
            names.Add(who);
            paths.AddRange(modules);
        }
        foreach (int pid in pids.Distinct())
        {
            (string who, IReadOnlyList<string> modules) = TargetModules.OfProcess(pid);
            names.Add(who);
            paths.AddRange(modules);
        }
        description = names.Count == 0 ? null : string.Join(", ", names);
        if (names.Count == 0)
            return null;
        if (TargetModules.MissingFilesNote(paths) is { } note)
            CliConsole.Progress("warning: " + note);
        return new TargetMethods(paths, symbols);
    }

    /// <summary>
    /// Why a check failed where the validator's message cannot say: the function's module has no PDB (so no local
    /// names), the variable exists but an async method did not hoist it (so no capture can read it), or it is a
    /// runtime-async method's (readable in a suspended call only where it is live after the await).
    /// </summary>
    private static IEnumerable<(int Line, int Column, string Text)> Notes(Spec spec, TargetMethods targets)
    {
        foreach (FunctionSpec function in spec.Functions)
        {
            if (!targets.TryDescribe(function.Function, out MethodDescription? method))
                continue;
            if (method.Overloads.FirstOrDefault(o => o.PdbPath is null) is { } overload)
            {
                yield return (function.FunctionSpan.Line, function.FunctionSpan.Column,
                    $"{function.FunctionSpan}: note: {Path.GetFileName(overload.ModulePath)} has no PDB (beside it or embedded), so the locals of {method.Function} are unknown and only its parameters can be checked.");
            }
            foreach (CaptureSpec capture in function.Captures)
            {
                var named = method.Overloads.SelectMany(o => o.Variables).Where(v => v.Name == capture.RootVariable).ToList();
                if (named.Count > 0 && named.All(v => v.Storage == VariableStorage.Continuation))
                {
                    string what = named[0].Kind switch { MethodVariableKind.This => "'this'", MethodVariableKind.Parameter => "a parameter", _ => "a local" };
                    yield return (capture.ExprSpan.Line, capture.ExprSpan.Column,
                        $"{capture.ExprSpan}: note: '{capture.RootVariable}' is {what} of the runtime-async method {method.Function}: a suspended call has it only at the awaits after which it is live (optimized code saves nothing else in its continuation), and is NULL with that reason at the others.");
                    continue;
                }
                if (named.Count == 0 || named.Any(v => v.Storage != VariableStorage.NotHoisted))
                    continue;
                MethodVariable variable = named[0];
                string machine = method.StateMachine.Describe();
                string after = method.StateMachine.SuspensionPoint();
                string at = $"{capture.ExprSpan}: note: '{capture.RootVariable}' is";
                yield return (capture.ExprSpan.Line, capture.ExprSpan.Column, variable.Kind == MethodVariableKind.Local
                    ? $"{at} a local of {method.Function} that the compiler did not hoist into the {machine}'s state machine (it is not used after {after} in this build): it has a value only in frames where the call is running on a thread, and is NULL for suspended calls."
                    : $"{at} {(variable.Kind == MethodVariableKind.This ? "'this'" : "a parameter")} of {method.Function}, but the compiler did not hoist it into the {machine}'s state machine (it is not used after {after} in this build), so no capture can read it. `sideye spec vars {method.Function}` shows what is hoisted.");
            }
        }
    }

    private static string Summary(string path, Spec? spec, List<SpecDiagnostic> diagnostics, string? checkedAgainst)
    {
        int errors = diagnostics.Count(d => d.IsError);
        int warnings = diagnostics.Count - errors;
        string counts = $"{Plural(errors, "error")}, {Plural(warnings, "warning")}";
        if (spec is null)
            return $"{path}: {counts}; the file could not be read as a spec, so the target and SQL checks did not run.";
        string what = $"{Plural(spec.Functions.Count, "function")}, {Plural(spec.Tables.Count, "derived table")}, {Plural(spec.Links.Count, "link")}";
        string target = checkedAgainst is null
            ? "not checked against a target (give --pid or --dump to check functions and variables)"
            : $"checked against {checkedAgainst}";
        return errors == 0
            ? $"{path}: valid ({what}; {target}; SQL bound in DuckDB), {counts}."
            : $"{path}: {counts} ({what}; {target}).";
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
