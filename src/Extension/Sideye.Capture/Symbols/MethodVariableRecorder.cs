using System.Diagnostics;
using Sideye.Capture.Walk;
using Sideye.Snapshot;
using Sideye.SpecCompiler;

namespace Sideye.Capture.Symbols;

/// <summary>
/// The <c>method_variables</c> rows of one process: each distinct method on its stacks that has a PDB, described once
/// from its module and PDB (as <c>sideye spec vars</c> does) through the shared <see cref="SymbolCache"/>. It reads files
/// only, never the target: callers run it once the target runs again (after the clone's walk, after the detach, or on a
/// dump). A method it cannot describe costs its own rows and a warning, never the snapshot.
/// </summary>
public static class MethodVariableRecorder
{
    /// <summary>Methods named in a warning; the rest are counted.</summary>
    private const int NamedInWarning = 5;

    /// <summary>
    /// Describes the methods of <paramref name="result"/>'s stacks and returns it with their rows, and with a warning
    /// when some could not be described.
    /// </summary>
    /// <param name="progress">Told how long it took.</param>
    public static ProcessCaptureResult AddTo(ProcessCaptureResult result, SymbolCache symbols, Action<string>? progress = null)
    {
        var sw = Stopwatch.StartNew();
        var failed = new List<string>();
        IReadOnlyList<MethodVariableRow> rows = [];
        string? warning = null;
        try
        {
            rows = Describe(result.Pid, result.Stacks, result.ModulePaths, symbols, failed, out int methods);
            progress?.Invoke($"process {result.Pid}: described the variables of {methods} method(s) with a PDB in {sw.Elapsed.TotalMilliseconds:0.0} ms ({rows.Count} rows)");
            if (failed.Count > 0)
            {
                string named = string.Join(", ", failed.Take(NamedInWarning)) + (failed.Count > NamedInWarning ? $" and {failed.Count - NamedInWarning} more" : "");
                warning = $"method_variables: {failed.Count} method(s) on the stacks could not be described from their module and PDB ({named}); " +
                          "their variables are not listed, a spec may still name them (`sideye spec check --pid` says whether it can)";
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever went wrong with the symbols, the stacks are worth more than this table.
            warning = $"method_variables: not recorded ({e.GetType().Name}: {e.Message}); `sideye spec vars <method> --pid {result.Pid}` describes a method directly";
        }
        return result with
        {
            MethodVariables = rows,
            Warnings = warning is null ? result.Warnings : [.. result.Warnings, warning],
            CaptureMs = result.CaptureMs + sw.Elapsed.TotalMilliseconds,
        };
    }

    internal static IReadOnlyList<MethodVariableRow> Describe(int pid, IReadOnlyList<CapturedStack> stacks, IReadOnlyList<string> modulePaths, SymbolCache symbols,
        List<string> failed, out int described)
    {
        described = 0;
        // Only frames with a source file: their module has a PDB, so this is user code (a framework method without one
        // would cost a metadata read to say nothing a spec can use).
        var methods = stacks.SelectMany(s => s.Frames)
            .Where(f => f.File is not null && f.Module is not null && f.Kind is FrameKinds.Managed or FrameKinds.Async)
            .Select(f => (Module: f.Module!, f.Method))
            .Distinct()
            .OrderBy(m => m.Method, StringComparer.Ordinal).ThenBy(m => m.Module, StringComparer.Ordinal)
            .ToList();
        if (methods.Count == 0)
            return [];
        var modules = methods.Select(m => m.Module).ToHashSet(StringComparer.Ordinal);
        // One index over the modules that hold those methods (type names only: a lookup reads one type's methods).
        var index = new TargetMethods(modulePaths.Where(p => modules.Contains(Path.GetFileName(p))), symbols);
        var rows = new List<MethodVariableRow>();
        foreach ((string module, string method) in methods)
        {
            try
            {
                // A name resolves in every module given; the frame's own module is the one that counts.
                IReadOnlyList<MethodOverload> overloads = index.TryDescribe(method, out MethodDescription? description)
                    ? [.. description.Overloads.Where(o => string.Equals(Path.GetFileName(o.ModulePath), module, StringComparison.Ordinal))]
                    : [];
                if (overloads.Count == 0)
                {
                    failed.Add($"{method} in {module}");
                    continue;
                }
                foreach (MethodOverload overload in overloads)
                    rows.AddRange(RowsOf(pid, method, module, overload));
                described++;
            }
            catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or ArgumentException or IOException)
            {
                failed.Add($"{method} in {module}: {e.Message}");
            }
        }
        return rows;
    }

    private static IEnumerable<MethodVariableRow> RowsOf(int pid, string method, string module, MethodOverload overload)
    {
        string signature = MethodDescription.ShortTypeName(overload.Signature);
        bool stateMachine = overload.StateMachine is not (StateMachineKind.None or StateMachineKind.RuntimeAsync); // runtime async hoists nothing
        for (int position = 0; position < overload.Variables.Count; position++)
        {
            MethodVariable v = overload.Variables[position];
            yield return new MethodVariableRow(
                pid, method, module, overload.MethodToken, signature, StateMachineName(overload.StateMachine), position,
                v.Name, v.TypeName, KindName(v.Kind), StorageName(v.Storage), v.Field,
                Hoisted: stateMachine ? v.Storage is VariableStorage.StateMachine or VariableStorage.Closure : null,
                Capturable: v.CanCapture,
                Scopes: v.Kind == MethodVariableKind.Local && v.Scopes.Count > 0 ? string.Join(", ", v.Scopes) : null);
        }
    }

    private static string? StateMachineName(StateMachineKind kind) => kind switch
    {
        StateMachineKind.Async => "async",
        StateMachineKind.Iterator => "iterator",
        StateMachineKind.AsyncIterator => "async-iterator",
        StateMachineKind.RuntimeAsync => "runtime-async",
        _ => null,
    };

    private static string KindName(MethodVariableKind kind) => kind switch
    {
        MethodVariableKind.This => MethodVariableKinds.This,
        MethodVariableKind.Parameter => MethodVariableKinds.Parameter,
        _ => MethodVariableKinds.Local,
    };

    private static string StorageName(VariableStorage storage) => storage switch
    {
        VariableStorage.Frame => MethodVariableStorages.Frame,
        VariableStorage.StateMachine => MethodVariableStorages.StateMachine,
        VariableStorage.Closure => MethodVariableStorages.Closure,
        VariableStorage.Continuation => MethodVariableStorages.Continuation,
        _ => MethodVariableStorages.NotHoisted,
    };
}
