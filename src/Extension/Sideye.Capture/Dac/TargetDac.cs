using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Dac;

/// <summary>
/// Our own DAC instance over one opened runtime (a paused process or a dump), created on first use and shared by
/// the walk: exact IL offsets of thread frames (<see cref="DacFrameReader.ILOffsetAt"/>) and thread frames'
/// variables; and, for .NET 11, a DacDbi instance of the same DAC for runtime-async frames' saved variables
/// (<see cref="AsyncLocals"/>). When one cannot be created, <see cref="Error"/> (<see cref="AsyncLocalsError"/>) says
/// why and callers fall back or report it.
/// </summary>
internal sealed class TargetDac : IDisposable
{
    private readonly ClrRuntime _runtime;
    private readonly string? _dacPath;
    private DacFrameReader? _reader;
    private bool _created;
    private AsyncLocals? _asyncLocals;
    private bool _asyncLocalsCreated;

    /// <param name="dacPath">The DAC the target was opened with; null to look for it beside the runtime.</param>
    public TargetDac(ClrRuntime runtime, string? dacPath)
    {
        _runtime = runtime;
        _dacPath = dacPath;
    }

    /// <summary>Why the DAC could not be loaded; null when it was (or was not needed yet).</summary>
    public string? Error { get; private set; }

    /// <summary>The reader, created on first use; null when the DAC cannot be loaded (see <see cref="Error"/>).</summary>
    public DacFrameReader? Reader
    {
        get
        {
            if (_created)
                return _reader;
            _created = true;
            if (DacPath() is not { } dacPath)
            {
                Error = DacNotFound;
                return null;
            }
            try
            {
                _reader = DacFrameReader.Create(_runtime.DataTarget, dacPath);
            }
            catch (DacLoadException e)
            {
                Error = e.Message;
            }
            return _reader;
        }
    }

    /// <summary>Why <see cref="AsyncLocals"/> could not be created; null when it was (or was not needed yet).</summary>
    public string? AsyncLocalsError { get; private set; }

    /// <summary>
    /// The runtime-async variables reader, created on first use (only a spec'd runtime-async frame needs it); null when
    /// the DAC is not found or is not a build whose DacDbi interface is known (see <see cref="AsyncLocalsError"/>).
    /// </summary>
    public AsyncLocals? AsyncLocals
    {
        get
        {
            if (_asyncLocalsCreated)
                return _asyncLocals;
            _asyncLocalsCreated = true;
            if (DacPath() is not { } dacPath)
            {
                AsyncLocalsError = DacNotFound;
                return null;
            }
            try
            {
                _asyncLocals = AsyncLocals.Create(_runtime.DataTarget, dacPath);
            }
            catch (DacLoadException e)
            {
                AsyncLocalsError = e.Message;
            }
            return _asyncLocals;
        }
    }

    // Both readers load the same DAC: the one the target was opened with, or the one beside its runtime.
    private string? DacPath() => _dacPath ?? BesideRuntime(_runtime);

    private string DacNotFound => $"the DAC (libmscordaccore.so) was not found next to {_runtime.ClrInfo.ModuleInfo.FileName}";

    public void Dispose()
    {
        _asyncLocals?.Dispose();
        _reader?.Dispose();
    }

    private static string? BesideRuntime(ClrRuntime runtime)
    {
        string path = Target.TargetOpener.DacBeside(runtime.ClrInfo.ModuleInfo.FileName ?? "");
        return File.Exists(path) ? path : null;
    }
}
