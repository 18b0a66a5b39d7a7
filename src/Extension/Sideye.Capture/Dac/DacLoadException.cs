namespace Sideye.Capture.Dac;

/// <summary>The runtime's DAC could not be loaded or would not open the target.</summary>
internal sealed class DacLoadException : Exception
{
    public DacLoadException(string dacPath, string runtime, string reason)
        : base($"Cannot use the DAC '{dacPath}' for {runtime}: {reason}.")
    {
        DacPath = dacPath;
        Runtime = runtime;
    }

    /// <summary>The DAC library that was tried.</summary>
    public string DacPath { get; }

    /// <summary>The target's runtime, as far as it is known (version and libcoreclr path).</summary>
    public string Runtime { get; }
}
