using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Target;

/// <summary>
/// A process or dump opened with ClrMD, with its runtime created. Disposing detaches from a live process
/// (which resumes it). ClrMD objects never outlive this.
/// </summary>
public sealed class OpenedTarget : IDisposable
{
    // Targets whose walk was given up while a thread still runs inside their DAC: kept from disposal (and their DAC
    // from unloading, even by a finalizer) until the process exits.
    private static readonly List<OpenedTarget> s_abandoned = [];

    private readonly DataTarget? _attachment;
    private readonly PrivateDac _dac;
    private readonly IReadCount? _memory;

    internal OpenedTarget(DataTarget dataTarget, ClrRuntime runtime, PrivateDac dac, string description, string? runtimeVersion, DataTarget? attachment = null)
    {
        _attachment = attachment;
        _dac = dac;
        _memory = dataTarget.DataReader as IReadCount;
        DataTarget = dataTarget;
        Runtime = runtime;
        Description = description;
        RuntimeVersion = runtimeVersion;
    }

    public DataTarget DataTarget { get; }
    public ClrRuntime Runtime { get; }

    /// <summary>The DAC this target's runtime was opened with (its own copy: see <see cref="PrivateDac"/>).</summary>
    public string DacPath => _dac.Path;

    public string Description { get; }
    public string? RuntimeVersion { get; }

    /// <summary>How many memory reads were made of a paused process, a clone or a dump; null when not counted.</summary>
    internal long? Reads => _memory?.Reads;

    /// <summary>
    /// Gives the target up without disposing it: a thread still runs in its DAC (<see cref="StallGuard"/>). Only for a
    /// clone or a dump: a ptrace-stopped process must be disposed to run again.
    /// </summary>
    internal void Abandon()
    {
        lock (s_abandoned)
            s_abandoned.Add(this);
    }

    public void Dispose()
    {
        Runtime.Dispose();
        DataTarget.Dispose();
        _attachment?.Dispose(); // the DataTarget that attached: disposing it detaches and resumes the process
        _dac.Dispose(); // the library is unloaded now
    }
}
