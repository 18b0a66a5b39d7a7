using System.Globalization;
using System.Text.RegularExpressions;
using Sideye.Capture;
using Sideye.Capture.Symbols;
using Sideye.Capture.Walk;
using Sideye.Snapshot;
using Sideye.SpecCompiler;

namespace Sideye.Cli.Commands;

/// <summary>
/// The text of `sideye spec vars`: the method as its metadata and PDB describe it, then its frames in a capture,
/// grouped by where they are (threads by name, async calls by await), each variable available with its value
/// (cut to one line) or unavailable with the engine's reason.
/// </summary>
internal static partial class SpecVarsReport
{
    private const int ValueWidth = 100;
    private const int SampleValues = 2;

    public static void PrintMethod(MethodDescription method)
    {
        Line(method.Function);
        foreach ((MethodOverload overload, int index) in method.Overloads.Select((o, i) => (o, i)))
        {
            if (method.Overloads.Count > 1)
                Line($"  overload {index + 1} of {method.Overloads.Count}:");
            PrintOverload(overload);
        }
    }

    private static string Modifier(StateMachineKind kind) => kind switch
    {
        StateMachineKind.Async => "async ",
        StateMachineKind.Iterator => "iterator ",
        StateMachineKind.AsyncIterator => "async iterator ",
        StateMachineKind.RuntimeAsync => "runtime-async ",
        _ => "",
    };

    private static void PrintOverload(MethodOverload overload)
    {
        Line($"  {(overload.IsStatic ? "static " : "")}{Modifier(overload.StateMachine)}{ShortSignature(overload.Signature)}");
        Line($"  module {overload.ModulePath} (method 0x{overload.MethodToken:x8})");
        Line(overload.PdbPath is null
            ? "  PDB    none found (beside the module or embedded): local names are unknown, only parameters are listed"
            : $"  PDB    {overload.PdbPath}");
        string scopeOf = "IL of the method";
        if (overload.StateMachine == StateMachineKind.RuntimeAsync)
            Line("  runtime async (MethodImpl Async, no state machine): a suspended call's arguments and locals are saved in its continuation, each only at the awaits after which it is live");
        if (overload.StateMachineType is { } stateMachine)
        {
            scopeOf = "IL of MoveNext";
            Line($"  state machine {stateMachine} (MoveNext 0x{overload.MoveNextToken ?? 0:x8}): a suspended call's variables are its fields");
        }
        Line("");
        Line("  Variables:");
        var rows = new List<string[]> { new[] { "name", "type", "kind", "where it lives", $"in scope ({scopeOf})" } };
        foreach (MethodVariable v in overload.Variables)
            rows.Add([v.Name, v.TypeName, Kind(v), Storage(v), Scope(v)]);
        if (overload.Variables.Count == 0)
            rows.Add(["(none)", "", "", "", ""]);
        Table(rows, "    ");

        if (overload.Scopes.Count > 0)
        {
            Line("");
            Line($"  Local scopes ({scopeOf}, from the PDB):");
            var open = new Stack<IlRange>();
            foreach (LocalScopeRange scope in overload.Scopes)
            {
                while (open.Count > 0 && !(scope.Range.Start >= open.Peek().Start && scope.Range.End <= open.Peek().End))
                    open.Pop();
                string locals = scope.Locals.Count == 0 ? "(no user locals)" : string.Join(", ", scope.Locals);
                Line($"    {new string(' ', 2 * open.Count)}{scope.Range}  {locals}");
                open.Push(scope.Range);
            }
        }
        Line("");
    }

    public static void PrintFrames(MethodDescription method, ProcessCaptureResult result)
    {
        foreach (string warning in result.Warnings)
            CliConsole.Progress("warning: " + warning);
        var found = new List<(CapturedStack Stack, CapturedFrame Frame, int Depth)>();
        foreach (CapturedStack stack in result.Stacks)
        {
            for (int depth = 0; depth < stack.Frames.Count; depth++)
            {
                CapturedFrame frame = stack.Frames[depth];
                if (frame.Method == method.Function && frame.Variables is not null)
                    found.Add((stack, frame, depth));
            }
        }
        string where = (result.Source.StartsWith("dump:", StringComparison.Ordinal) ? $"dump {result.Source[5..]} of " : "") +
            $"process {result.Pid} ({result.Name})" + (result.PauseMs is double ms ? $", paused {ms.ToString("0.0", CultureInfo.InvariantCulture)} ms" : "");
        if (found.Count == 0)
        {
            int threads = result.Stacks.Count(s => s.Kind == StackKinds.Thread);
            Line($"Frames: none. No frame of {method.Function} is on any of the {threads} thread stacks or {result.Stacks.Count - threads} async stacks of {where}.");
            Line("Run again while the method is running or suspended at an await; the variables above are what a capture can read then.");
            return;
        }
        int onThreads = found.Count(f => f.Frame.Kind == FrameKinds.Managed);
        Line($"Frames of {method.Function} in {where}: {found.Count} ({onThreads} on threads, {found.Count - onThreads} suspended async calls)");
        foreach (var group in found.GroupBy(f => GroupKey(f.Stack, f.Frame, f.Depth)).OrderBy(g => g.First().Frame.Kind == FrameKinds.Async).ThenByDescending(g => g.Count()))
        {
            Line("");
            Line("  " + Header(group.ToList()));
            PrintVariables(group.Select(f => f.Frame).ToList());
        }
    }

    private static void PrintVariables(IReadOnlyList<CapturedFrame> frames)
    {
        var rows = new List<string[]>();
        IEnumerable<string> columns = frames.SelectMany(f => f.Variables!).Select(v => v.Column).Distinct(StringComparer.Ordinal);
        foreach (string column in columns)
        {
            var values = frames.Select(f => f.Variables!.FirstOrDefault(v => v.Column == column)).OfType<CapturedVariable>().ToList();
            var available = values.Where(v => v.Json is not null).ToList();
            string type = values.Select(v => v.TypeName).FirstOrDefault(t => t is not null) ?? "";
            if (available.Count > 0)
            {
                string status = frames.Count == 1 ? "available" : $"available in {available.Count} of {frames.Count}";
                string samples = string.Join(" | ", available.Select(v => OneLine(v.Json!)).Distinct().Take(frames.Count == 1 ? 1 : SampleValues));
                rows.Add([column, status, type, (frames.Count > 1 ? "e.g. " : "") + samples]);
            }
            // Reasons that differ only in an address are one reason here (each shown once, with its first address).
            foreach (var reason in values.Where(v => v.Json is null).GroupBy(v => Address().Replace(v.Unavailable ?? "no value", "0x…")))
            {
                string status = frames.Count == 1 ? "unavailable" : $"unavailable in {reason.Count()} of {frames.Count}";
                rows.Add([available.Count > 0 ? "" : column, status, type, reason.First().Unavailable ?? "no value"]);
            }
        }
        Table(rows, "    ");
    }

    /// <summary>Frames at the same place: the same thread name (or pool), the same await or IL offset, the same line.</summary>
    private static string GroupKey(CapturedStack stack, CapturedFrame frame, int depth) => string.Join("|",
        frame.Kind, frame.Kind == FrameKinds.Managed ? stack.ThreadName : "", frame.AwaitState, frame.IlOffset, frame.File, frame.Line,
        depth == 0 ? stack.Awaiting : "", frame.ObjectAddress is null ? "" : "state-machine");

    private static string Header(IReadOnlyList<(CapturedStack Stack, CapturedFrame Frame, int Depth)> group)
    {
        (CapturedStack stack, CapturedFrame frame, int depth) = group[0];
        string at = frame.File is null ? "" : $", {Path.GetFileName(frame.File)}:{frame.Line}";
        string il = frame.IlOffset is int offset ? $"IL_{offset:x4}" : "IL offset unknown";
        if (frame.Kind == FrameKinds.Async)
        {
            string count = group.Count == 1 ? "async call" : $"{group.Count} async calls";
            string awaiting = depth == 0 && stack.Awaiting is { } what ? $" awaiting {what}" : depth > 0 ? " awaiting the async method it called" : "";
            // A runtime-async frame (named by its continuation's DiagnosticIP) has no MoveNext: its own IL.
            string state = frame.AwaitState is not int s ? "state unknown"
                : frame.InstructionPointer is not null ? $"suspension point #{s} ({il})" : $"await #{s} ({il} of MoveNext)";
            return $"[async] {count}{awaiting}, suspended at {state}{at}";
        }
        string threads = string.Join(", ", group.Select(g => g.Stack).Distinct().Take(5).Select(ThreadName));
        if (group.Select(g => g.Stack).Distinct().Count() > 5)
            threads += ", ...";
        string running = frame.ObjectAddress is not null ? " running the async call (its state machine and MoveNext's own locals)" : "";
        string frames = group.Count == 1 ? "thread" : $"{group.Count} threads";
        return $"[{frames}] {threads}{running}, depth {depth}, at {il}{at}";
    }

    private static string ThreadName(CapturedStack stack)
    {
        string name = stack.ThreadName is { } n ? $"\"{n}\"" : "unnamed";
        string ids = stack.ManagedThreadId is int id ? $"managed id {id}" : "";
        if (stack.OsThreadId is uint os)
            ids += (ids.Length > 0 ? ", " : "") + $"OS tid {os}";
        return ids.Length == 0 ? name : $"{name} ({ids})";
    }

    private static string Kind(MethodVariable v) => v.Kind switch
    {
        MethodVariableKind.This => "this",
        MethodVariableKind.Parameter => "parameter",
        _ => "local",
    };

    private static string Storage(MethodVariable v) => v.Storage switch
    {
        VariableStorage.Frame => v.Kind == MethodVariableKind.Local ? "frame (IL local)" : "frame (argument)",
        VariableStorage.StateMachine => $"state machine field {v.Field}",
        VariableStorage.Closure => $"closure field {v.Field}",
        VariableStorage.Continuation => "frame; suspended: continuation, at awaits where live",
        _ when v.Kind == MethodVariableKind.Local => "not hoisted: MoveNext local, only while running on a thread",
        _ => "not hoisted: cannot be captured",
    };

    private static string Scope(MethodVariable v)
    {
        if (v.Kind != MethodVariableKind.Local)
            return "whole method";
        if (v.Storage == VariableStorage.Closure)
            return "from its declaration on";
        return v.Scopes.Count == 0 ? "unknown" : string.Join(", ", v.Scopes);
    }

    /// <summary>Type names without namespaces, which make a signature unreadably long.</summary>
    private static string ShortSignature(string signature) => MethodDescription.ShortTypeName(signature);

    private static string OneLine(string json)
    {
        string flat = json.ReplaceLineEndings(" ");
        return flat.Length <= ValueWidth ? flat : flat[..(ValueWidth - 1)] + "…";
    }

    /// <summary>Columns padded to their widest cell; the last column is not padded.</summary>
    private static void Table(List<string[]> rows, string indent)
    {
        if (rows.Count == 0)
            return;
        int columns = rows.Max(r => r.Length);
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => c < r.Length ? r[c].Length : 0)).ToArray();
        foreach (string[] row in rows)
        {
            var cells = row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]));
            Line(indent + string.Join("  ", cells).TrimEnd());
        }
    }

    private static void Line(string text) => CliConsole.Result(text);

    [GeneratedRegex("0x[0-9a-fA-F]+")]
    private static partial Regex Address();
}
