namespace Sideye.Freezer.Seccomp;

/// <summary>A thread's seccomp mode, as the <c>Seccomp:</c> line of /proc/TID/status shows it.</summary>
internal enum SeccompMode
{
    Disabled = 0,

    /// <summary>SECCOMP_MODE_STRICT: only read, write, exit and rt_sigreturn; anything else is SIGKILL.</summary>
    Strict = 1,

    /// <summary>SECCOMP_MODE_FILTER: one or more BPF filters decide.</summary>
    Filter = 2,
}
