using System.Reflection;
using Sideye.Capture.BuiltIns;
using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture;

/// <summary>Turns per-process capture results into the snapshot's rows and manifest (the one place ids are assigned).</summary>
public static class SnapshotBuilder
{
    public static string ToolVersion { get; } =
        typeof(SnapshotBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static (SnapshotManifest Manifest, SnapshotData Data) Build(
        IReadOnlyList<ProcessCaptureResult> processes, IReadOnlyList<string> warnings, DateTimeOffset capturedAt, string source, string? spec = null,
        SpecCompiler.RedactionRules? redaction = null)
    {
        // Command lines carry secrets too (--password x, connection strings): redacted like captured values.
        SpecCompiler.RedactionRules rules = redaction ?? SpecCompiler.RedactionRules.Default;
        processes = [.. processes.Select(p => p.CommandLine is { } c ? p with { CommandLine = rules.RedactCommandLine(c) } : p)];
        var processRows = new List<ProcessRow>();
        var stackRows = new List<StackRow>();
        var frameRows = new List<FrameRow>();
        var valueRows = new List<CapturedValueRow>();
        var builtIns = new List<BuiltInTables>();
        var methodVariables = new List<MethodVariableRow>();
        long nextStackId = 1;
        foreach (ProcessCaptureResult p in processes)
        {
            int threadCount = 0, asyncCount = 0;
            builtIns.Add(BuiltInRows.Rebase(p.BuiltIns, p.Pid, firstStackId: nextStackId, stackCount: p.Stacks.Count));
            methodVariables.AddRange(p.MethodVariables);
            foreach (CapturedStack s in p.Stacks)
            {
                long id = nextStackId++;
                if (s.Kind == StackKinds.Thread) threadCount++; else asyncCount++;
                double? waitMs = s.WaitingSince is DateTime since && p.Clock is { } clock ? Math.Max(0, (clock.WallUtc - since).TotalMilliseconds) : null;
                stackRows.Add(new StackRow(id, p.Pid, s.Kind, s.OsThreadId, s.ManagedThreadId, s.ThreadName, s.State,
                    s.Frames.Count, s.Awaiting, ToLong(s.TaskAddress), s.WaitingSince, waitMs, s.WaitSource));
                for (int depth = 0; depth < s.Frames.Count; depth++)
                {
                    CapturedFrame f = s.Frames[depth];
                    frameRows.Add(new FrameRow(id, p.Pid, depth, f.Method, f.Module, f.IlOffset, f.File, f.Line, f.Kind,
                        f.AwaitState, ToLong(f.InstructionPointer), ToLong(f.ObjectAddress), f.MethodToken));
                    foreach (CapturedVariable v in f.Variables ?? [])
                        valueRows.Add(new CapturedValueRow(id, p.Pid, depth, v.Function, v.Column, v.Json, v.RawJson, v.TypeName, v.Unavailable));
                }
            }
            processRows.Add(new ProcessRow(p.Pid, p.Name, p.CommandLine, p.RuntimeVersion, p.Source, p.PauseMs, p.CaptureMs,
                threadCount, asyncCount, p.Warnings.Count == 0 ? null : string.Join("; ", p.Warnings), p.PauseMode?.ToString().ToLowerInvariant(),
                p.Clock?.WallUtc));
        }

        var manifest = new SnapshotManifest(
            SnapshotWriter.NewId(capturedAt), capturedAt, ToolVersion, SnapshotTables.SchemaVersion, source,
            processes.Select(p => new ManifestProcess(p.Pid, p.Name, p.CommandLine, p.RuntimeVersion, p.PauseMs, p.CaptureMs, p.Warnings)).ToList(),
            warnings, SnapshotTables.All, spec);
        return (manifest, new SnapshotData(processRows, stackRows, frameRows, valueRows) { BuiltIns = BuiltInRows.Concat(builtIns), MethodVariables = methodVariables });
    }

    // Addresses are stored as signed BIGINT: Spark and others read UINT64 as DECIMAL(20,0).
    private static long? ToLong(ulong? value) => value is ulong v ? unchecked((long)v) : null;
}
