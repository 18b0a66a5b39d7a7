using System.Runtime.InteropServices;

namespace SeccompTarget;

/// <summary>
/// The filter the target puts on all its threads: kill on a foreign arch, <c>refusal</c> for clone (56)
/// without CLONE_THREAD (a new process, as the freezer's injected clone(0) is), ALLOW for everything else
/// (the runtime makes threads with clone3, or clone with CLONE_THREAD). The same program as
/// TestPrograms.CloneDenyList in tests/Sideye.Freezer.Tests, which the live test compares it with.
/// </summary>
internal static class CloneFilter
{
    public const uint RetAllow = 0x7FFF_0000;
    public const uint RetKillProcess = 0x8000_0000;
    public const uint RetErrnoEperm = 0x0005_0000 | 1;

    private const int LdWAbs = 0x20, JmpJeqK = 0x15, JmpJsetK = 0x45, RetK = 0x06;
    private const uint AuditArchX86_64 = 0xC000003E;
    private const uint CloneThread = 0x0001_0000;

    public static SockFilter[] Program(uint refusal) =>
    [
        /* 0 */ SockFilter.Stmt(LdWAbs, 4), // arch
        /* 1 */ SockFilter.Jump(JmpJeqK, AuditArchX86_64, 1, 0),
        /* 2 */ SockFilter.Stmt(RetK, RetKillProcess),
        /* 3 */ SockFilter.Stmt(LdWAbs, 0), // nr
        /* 4 */ SockFilter.Jump(JmpJeqK, 56, 0, 3), // not clone -> 8
        /* 5 */ SockFilter.Stmt(LdWAbs, 16), // args[0], low word: the flags
        /* 6 */ SockFilter.Jump(JmpJsetK, CloneThread, 1, 0), // a thread -> 8
        /* 7 */ SockFilter.Stmt(RetK, refusal),
        /* 8 */ SockFilter.Stmt(RetK, RetAllow),
    ];

    /// <summary>Installs the filter on every thread of the process at once (TSYNC), or throws.</summary>
    public static unsafe void Install(uint refusal)
    {
        // Without CAP_SYS_ADMIN the kernel insists on no_new_privs; set it anyway, as a service would.
        if (Native.Prctl(Native.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            throw new InvalidOperationException($"prctl(PR_SET_NO_NEW_PRIVS) failed: errno {Marshal.GetLastPInvokeError()}");

        SockFilter[] program = Program(refusal);
        fixed (SockFilter* instructions = program)
        {
            var fprog = new SockFprog { Length = (ushort)program.Length, Filter = instructions };
            long result = Native.Syscall(Native.SYS_seccomp, Native.SECCOMP_SET_MODE_FILTER, Native.SECCOMP_FILTER_FLAG_TSYNC, (long)&fprog, 0, 0, 0);
            if (result < 0)
                throw new InvalidOperationException($"seccomp(SECCOMP_SET_MODE_FILTER, TSYNC) failed: errno {Marshal.GetLastPInvokeError()}");
            if (result > 0)
                throw new InvalidOperationException($"seccomp TSYNC could not synchronise thread {result}");
        }
    }
}
