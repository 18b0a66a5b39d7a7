using Sideye.Capture.Symbols;

namespace Sideye.Capture.Target;

/// <summary>
/// A core dump opened once for a front-end that first reads which modules it has, then captures it with a plan made
/// from them (`sideye spec vars --dump`): reading a large core twice is what would take the time. The runtime and its
/// ClrMD objects stay inside.
/// </summary>
public sealed class DumpProbe : IDisposable
{
    private readonly OpenedTarget _target;
    private readonly string _path;

    private DumpProbe(OpenedTarget target, string path)
    {
        _target = target;
        _path = path;
    }

    /// <summary>Throws <see cref="TargetException"/> for a missing, truncated or non-.NET dump.</summary>
    public static DumpProbe Open(string path) => new(TargetOpener.OpenDump(path), path);

    /// <summary>What the dump is, for messages.</summary>
    public string Description => _target.Description;

    /// <summary>The module files the dumped process had loaded.</summary>
    public IReadOnlyList<string> ModulePaths => TargetMethods.ModulePathsOf(_target.Runtime);

    public ProcessCaptureResult Capture(SymbolCache symbols, SpecCompiler.CapturePlan plan, CancellationToken cancellationToken = default) =>
        new DumpCapture(symbols, plan).CaptureRuntime(_target.Runtime, _target.DataTarget.DataReader.ProcessId, _target.RuntimeVersion, _path,
            dacPath: _target.DacPath, cancellationToken: cancellationToken);

    public void Dispose() => _target.Dispose();
}
