using Sideye.Freezer.Native;

namespace Sideye.Freezer;

/// <summary>
/// The register state to hand back to a thread we made run a syscall. A thread interrupted inside a blocking syscall
/// is stopped with rax = -ERESTART* and the syscall number in orig_rax; the kernel restarts the call when the thread
/// resumes. The injection sets orig_rax to -1 so that logic cannot rewrite its own rax/rip, which also disables it for
/// the original call: the restart is done here instead, as the kernel would have (without it a timed futex returned
/// -516 to the program).
/// </summary>
internal static class SyscallRestart
{
    private const long ERESTARTSYS = -512, ERESTARTNOINTR = -513, ERESTARTNOHAND = -514, ERESTART_RESTARTBLOCK = -516;
    private const ulong RestartSyscall = 219;
    private const int SyscallInstructionLength = 2;

    public static UserRegisters Restored(in UserRegisters saved)
    {
        UserRegisters r = saved;
        if ((long)saved.OrigRax < 0)
            return r;
        switch ((long)saved.Rax)
        {
            case ERESTARTSYS or ERESTARTNOINTR or ERESTARTNOHAND:
                r.Rax = saved.OrigRax;
                r.Rip -= SyscallInstructionLength;
                r.OrigRax = ulong.MaxValue;
                break;
            case ERESTART_RESTARTBLOCK:
                r.Rax = RestartSyscall;
                r.Rip -= SyscallInstructionLength;
                r.OrigRax = ulong.MaxValue;
                break;
        }
        return r;
    }

    /// <summary>Whether a syscall-exit value means the kernel will run the call again (we then see another entry).</summary>
    public static bool WillRestart(long result) => result is ERESTARTSYS or ERESTARTNOINTR or ERESTARTNOHAND or ERESTART_RESTARTBLOCK;

    /// <summary>The registers that make a stopped thread call <paramref name="number"/> at the gadget.</summary>
    public static UserRegisters Call(in UserRegisters saved, ulong gadget, long number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0)
    {
        UserRegisters r = saved;
        r.Rip = gadget;
        r.Rax = (ulong)number;
        r.OrigRax = ulong.MaxValue; // the kernel's restart logic must not touch rax/rip on the way back to user mode
        r.Rdi = a0;
        r.Rsi = a1;
        r.Rdx = a2;
        r.R10 = a3;
        r.R8 = 0;
        r.R9 = 0;
        return r;
    }
}
