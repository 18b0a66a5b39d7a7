namespace Sideye.Capture.Engine;

/// <summary>What a <see cref="CaptureRequest"/> snapshots.</summary>
public abstract record CaptureTarget
{
    private protected CaptureTarget() { }
}

/// <summary>Live processes, snapshotted at one instant.</summary>
public sealed record LiveProcesses(IReadOnlyList<int> Pids) : CaptureTarget;

/// <summary>A Linux core dump file.</summary>
public sealed record CoreDump(string Path) : CaptureTarget;

/// <summary>
/// A runtime a host already opened (dotnet-dump's): its process id, the name the snapshot records for it, and the DAC
/// the host loaded (thread frames' locals are read through a second instance of it), if known.
/// </summary>
public sealed record OpenedRuntime(Microsoft.Diagnostics.Runtime.ClrRuntime Runtime, int Pid, string DisplayName, string? DacPath) : CaptureTarget;
