namespace Sideye.Freezer.Native;

/// <summary>A waitpid status word, decoded the way the wait(2) macros do.</summary>
internal readonly record struct WaitStatus(int Raw)
{
    public bool Stopped => (Raw & 0xff) == 0x7f;

    public bool Exited => (Raw & 0x7f) == 0;

    public bool Signaled => !Stopped && !Exited;

    public bool Gone => Exited || Signaled;

    public int StopSignal => (Raw >> 8) & 0xff;

    /// <summary>The PTRACE_EVENT_* of a ptrace event stop; 0 for a signal-delivery or syscall stop.</summary>
    public int Event => (Raw >> 16) & 0xff;

    /// <summary>A syscall-enter or -exit stop (with PTRACE_O_TRACESYSGOOD).</summary>
    public bool SyscallStop => Stopped && StopSignal == (Ptrace.SIGTRAP | 0x80);

    /// <summary>A stop from PTRACE_INTERRUPT (or a seized tracee's group-stop, with the stopping signal).</summary>
    public bool EventStop => Stopped && Event == Ptrace.PTRACE_EVENT_STOP;

    public override string ToString() => Stopped ? $"stopped sig={StopSignal} event={Event}" : Exited ? $"exited {(Raw >> 8) & 0xff}" : $"killed by {Raw & 0x7f}";
}
