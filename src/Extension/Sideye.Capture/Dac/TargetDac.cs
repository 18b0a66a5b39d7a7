using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Dac;

/// <summary>
/// Our own DAC instance over one opened runtime (a paused process or a dump), created on first use and shared by
/// the walk: exact IL offsets of thread frames (<see cref="DacFrameReader.ILOffsetAt"/>) and thread frames'
/// variables. When it cannot be loaded, <see cref="Error"/> says why and callers fall back or report it.
/// </summary>
internal sealed class TargetDac : IDisposable
{
    private readonly ClrRuntime _runtime;
    private readonly string? _dacPath;
    private DacFrameReader? _reader;
    private bool _created;

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
            string? dacPath = _dacPath ?? BesideRuntime(_runtime);
            if (dacPath is null)
            {
                Error = $"the DAC (libmscordaccore.so) was not found next to {_runtime.ClrInfo.ModuleInfo.FileName}";
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

    public void Dispose() => _reader?.Dispose();

    private static string? BesideRuntime(ClrRuntime runtime)
    {
        string path = Target.TargetOpener.DacBeside(runtime.ClrInfo.ModuleInfo.FileName ?? "");
        return File.Exists(path) ? path : null;
    }
}
