using Sideye.Capture.BuiltIns;
using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture;

/// <summary>What one process yielded: its stacks (threads first, then async) and how long it took.</summary>
public sealed record ProcessCaptureResult(
    int Pid,
    string Name,
    string? CommandLine,
    string? RuntimeVersion,
    string Source,
    IReadOnlyList<CapturedStack> Stacks,
    double? PauseMs,
    double CaptureMs,
    IReadOnlyList<string> Warnings)
{
    /// <summary>How a live process was paused; null for a dump.</summary>
    public PauseMode? PauseMode { get; init; }

    /// <summary>What the built-in recognizers found, with stack ids as indexes into <see cref="Stacks"/>.</summary>
    public BuiltInTables BuiltIns { get; init; } = BuiltInTables.Empty;

    /// <summary>When the process was captured, by its own clocks (a wait's length is measured against it); null when unknown.</summary>
    public CaptureClock? Clock { get; init; }

    /// <summary>The module files the runtime had loaded: frames name only a file, the methods' description needs the path.</summary>
    public IReadOnlyList<string> ModulePaths { get; init; } = [];

    /// <summary>The variables of the methods on <see cref="Stacks"/> that have a PDB (see <see cref="Symbols.MethodVariableRecorder"/>).</summary>
    public IReadOnlyList<MethodVariableRow> MethodVariables { get; init; } = [];
}
