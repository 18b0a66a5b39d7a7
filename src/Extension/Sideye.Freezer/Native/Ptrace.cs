using System.Runtime.InteropServices;

namespace Sideye.Freezer.Native;

/// <summary>The ptrace, wait and signal calls the freezer makes, with the constants they take (x86_64 Linux).</summary>
internal static unsafe partial class Ptrace
{
    public const int PTRACE_GETREGS = 12;
    public const int PTRACE_SETREGS = 13;
    public const int PTRACE_DETACH = 17;
    public const int PTRACE_SYSCALL = 24;
    public const int PTRACE_SETOPTIONS = 0x4200;
    public const int PTRACE_GETEVENTMSG = 0x4201;
    public const int PTRACE_SEIZE = 0x4206;
    public const int PTRACE_INTERRUPT = 0x4207;
    public const int PTRACE_SECCOMP_GET_FILTER = 0x420C;

    public const int PTRACE_O_TRACESYSGOOD = 0x1;
    public const int PTRACE_O_TRACEFORK = 0x2;
    public const int PTRACE_O_TRACECLONE = 0x8;
    public const int PTRACE_O_EXITKILL = 0x100000;

    public const int PTRACE_EVENT_CLONE = 3;
    public const int PTRACE_EVENT_STOP = 128;

    public const int WNOHANG = 1;
    public const int __WALL = 0x40000000;

    public const int SIGKILL = 9;
    public const int SIGTRAP = 5;

    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int ECHILD = 10;

    [LibraryImport("libc", EntryPoint = "ptrace", SetLastError = true)]
    private static partial long ptrace(long request, int pid, nint addr, nint data);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int waitpid(int pid, int* status, int options);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall3(long number, long a, long b, long c);

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int sched_setscheduler(int pid, int policy, int* param);

    /// <summary>
    /// Copies seccomp filter <paramref name="index"/> of a thread stopped by this thread (0 = the oldest: see
    /// <see cref="Seccomp.SeccompFilterReader"/>) into <paramref name="buffer"/>; returns its instruction count, or -1
    /// with <paramref name="errno"/>. The kernel copies the whole program whatever the buffer's size, so the buffer
    /// must hold <see cref="Seccomp.BpfCode.MaxInstructions"/>.
    /// </summary>
    public static long GetSeccompFilter(int tid, int index, Seccomp.SockFilter[] buffer, out int errno)
    {
        if (buffer.Length < Seccomp.BpfCode.MaxInstructions)
            throw new ArgumentException($"the buffer must hold {Seccomp.BpfCode.MaxInstructions} instructions", nameof(buffer));
        fixed (Seccomp.SockFilter* instructions = buffer)
        {
            long count = ptrace(PTRACE_SECCOMP_GET_FILTER, tid, index, (nint)instructions);
            errno = count < 0 ? Marshal.GetLastPInvokeError() : 0;
            return count;
        }
    }

    public static bool Seize(int tid) => ptrace(PTRACE_SEIZE, tid, 0, 0) == 0;

    public static bool Interrupt(int tid) => ptrace(PTRACE_INTERRUPT, tid, 0, 0) == 0;

    public static bool SetOptions(int tid, int options) => ptrace(PTRACE_SETOPTIONS, tid, 0, options) == 0;

    /// <summary>Resumes a stopped tracee until its next syscall entry or exit.</summary>
    public static bool ResumeToSyscall(int tid) => ptrace(PTRACE_SYSCALL, tid, 0, 0) == 0;

    /// <summary>Detaches, delivering <paramref name="signal"/> (0 for none) as it resumes.</summary>
    public static bool Detach(int tid, int signal) => ptrace(PTRACE_DETACH, tid, 0, signal) == 0;

    public static bool GetRegisters(int tid, out UserRegisters regs)
    {
        UserRegisters r;
        bool ok = ptrace(PTRACE_GETREGS, tid, 0, (nint)(&r)) == 0;
        regs = ok ? r : default;
        return ok;
    }

    public static bool SetRegisters(int tid, in UserRegisters regs)
    {
        UserRegisters r = regs;
        return ptrace(PTRACE_SETREGS, tid, 0, (nint)(&r)) == 0;
    }

    public static bool GetEventMessage(int tid, out ulong message)
    {
        ulong m;
        bool ok = ptrace(PTRACE_GETEVENTMSG, tid, 0, (nint)(&m)) == 0;
        message = m;
        return ok;
    }

    /// <summary>waitpid with __WALL (threads and clone children too); returns the pid, 0 (WNOHANG, nothing yet) or -1.</summary>
    public static int Wait(int pid, out WaitStatus status, bool noHang = false)
    {
        int raw = 0;
        int r;
        do
        {
            r = waitpid(pid, &raw, __WALL | (noHang ? WNOHANG : 0));
        }
        while (r < 0 && Marshal.GetLastPInvokeError() == EINTR);
        status = new WaitStatus(raw);
        return r;
    }

    public static bool Kill(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>Sends a signal to one thread of a process (a signal we intercepted, handed back at detach).</summary>
    public static bool ThreadKill(int tgid, int tid, int signal) => syscall3(234 /* tgkill */, tgid, tid, signal) == 0;

    /// <summary>
    /// Runs the calling thread at real-time priority while targets are stopped: on two cores, target threads resumed
    /// first would otherwise preempt the detach loop and stretch the pause of the rest (0.07 vs 0.7 ms median).
    /// </summary>
    public static bool SetRealtime(bool on)
    {
        const int SCHED_OTHER = 0, SCHED_FIFO = 1;
        int priority = on ? 50 : 0;
        return sched_setscheduler(0, on ? SCHED_FIFO : SCHED_OTHER, &priority) == 0;
    }

    [LibraryImport("libc", EntryPoint = "sched_getscheduler", SetLastError = true)]
    private static partial int sched_getscheduler(int pid);

    [LibraryImport("libc", EntryPoint = "sched_getparam", SetLastError = true)]
    private static partial int sched_getparam(int pid, int* param);

    /// <summary>A thread's scheduling policy (with its flags) and priority, to put back later; null when unreadable.</summary>
    public static (int Policy, int Priority)? GetScheduling(int tid)
    {
        int policy = sched_getscheduler(tid);
        int priority = 0;
        return policy < 0 || sched_getparam(tid, &priority) != 0 ? null : (policy, priority);
    }

    public static bool SetScheduling(int tid, int policy, int priority) => sched_setscheduler(tid, policy, &priority) == 0;

    public static int LastError => Marshal.GetLastPInvokeError();
}
