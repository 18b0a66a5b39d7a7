using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Target;

/// <summary>
/// A process or dump opened with ClrMD, with its runtime created. Disposing detaches from a live process
/// (which resumes it). ClrMD objects never outlive this.
/// </summary>
public sealed class OpenedTarget : IDisposable
{
    private readonly DataTarget? _attachment;

    internal OpenedTarget(DataTarget dataTarget, ClrRuntime runtime, string dacPath, string description, string? runtimeVersion, DataTarget? attachment = null)
    {
        _attachment = attachment;
        DataTarget = dataTarget;
        Runtime = runtime;
        DacPath = dacPath;
        Description = description;
        RuntimeVersion = runtimeVersion;
    }

    public DataTarget DataTarget { get; }
    public ClrRuntime Runtime { get; }
    public string DacPath { get; }
    public string Description { get; }
    public string? RuntimeVersion { get; }

    public void Dispose()
    {
        Runtime.Dispose();
        DataTarget.Dispose();
        _attachment?.Dispose(); // the DataTarget that attached: disposing it detaches and resumes the process
    }
}
