namespace Sideye.Capture;

/// <summary>How a live process is held still while it is captured.</summary>
public enum PauseMode
{
    /// <summary>
    /// Stopped only while it makes a copy-on-write clone of itself (milliseconds, whatever the heap's size); the walk
    /// reads the frozen clone while the process runs. The default on Linux x64.
    /// </summary>
    Clone,

    /// <summary>Stopped for the whole walk (ptrace attach to detach): the pause grows with the heap. The fallback.</summary>
    Stop,
}
