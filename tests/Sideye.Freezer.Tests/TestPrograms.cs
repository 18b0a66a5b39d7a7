using Sideye.Freezer.Seccomp;
using static Sideye.Freezer.Seccomp.BpfCode;
using static Sideye.Freezer.Seccomp.SockFilter;

namespace Sideye.Freezer.Tests;

/// <summary>Seccomp programs assembled by hand, the way profiles written in C (BPF_STMT/BPF_JUMP) spell them.</summary>
internal static class TestPrograms
{
    public const uint Allow = 0x7FFF_0000;
    public const uint KillProcess = 0x8000_0000;
    public const uint KillThread = 0x0000_0000;
    public const uint Trap = 0x0003_0000;
    public const uint Errno = 0x0005_0000;
    public const uint UserNotif = 0x7FC0_0000;
    public const uint Trace = 0x7FF0_0000;
    public const uint Log = 0x7FFC_0000;

    public const uint EPERM = 1;
    public const uint ENOSYS = 38;
    public const uint AuditArchI386 = 0x4000_0003;

    public const ulong CloneThread = 0x0001_0000;
    public const ulong CloneNewUser = 0x1000_0000;

    /// <summary>seccomp_data offsets.</summary>
    public const uint NrOffset = 0, ArchOffset = 4, IpOffset = 8, Arg0Low = 16, Arg0High = 20;

    /// <summary>
    /// The shape of Docker's default profile as libseccomp compiles it: kill on a foreign arch, refuse the
    /// x32 ABI, a few calls allowed outright, clone3 refused with ENOSYS (so libc falls back to clone),
    /// clone allowed unless its flags ask for a namespace (args[0] &amp; 0x7E020000), and ERRNO(EPERM) by default.
    /// </summary>
    public static SockFilter[] DockerStyle { get; } =
    [
        /*  0 */ Stmt(Ld | W | Abs, ArchOffset),
        /*  1 */ Jump(Jmp | Jeq | K, SeccompData.AuditArchX86_64, 1, 0),
        /*  2 */ Stmt(Ret | K, KillProcess),
        /*  3 */ Stmt(Ld | W | Abs, NrOffset),
        /*  4 */ Jump(Jmp | Jge | K, 0x4000_0000, 11, 0), // x32 system calls -> 16
        /*  5 */ Jump(Jmp | Jeq | K, 0, 9, 0), // read -> 15
        /*  6 */ Jump(Jmp | Jeq | K, 61, 8, 0), // wait4 -> 15
        /*  7 */ Jump(Jmp | Jeq | K, 435, 0, 1), // clone3 -> 8, else 9
        /*  8 */ Stmt(Ret | K, Errno | ENOSYS),
        /*  9 */ Jump(Jmp | Jeq | K, 56, 0, 6), // not clone -> 16
        /* 10 */ Stmt(Ld | W | Abs, Arg0High),
        /* 11 */ Jump(Jmp | Jeq | K, 0, 0, 4), // high flag bits set -> 16
        /* 12 */ Stmt(Ld | W | Abs, Arg0Low),
        /* 13 */ Stmt(Alu | And | K, 0x7E02_0000), // CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET
        /* 14 */ Jump(Jmp | Jeq | K, 0, 0, 1), // no namespace flag -> 15, else 16
        /* 15 */ Stmt(Ret | K, Allow),
        /* 16 */ Stmt(Ret | K, Errno | EPERM),
    ];

    /// <summary>
    /// A deny-list for process-creating clones: kill on a foreign arch; <paramref name="refusal"/> for clone
    /// (56) when args[0] lacks CLONE_THREAD; ALLOW for everything else (threads, clone3, wait4). The same
    /// program dumps/seccomp's target installs.
    /// </summary>
    public static SockFilter[] CloneDenyList(uint refusal) =>
    [
        /* 0 */ Stmt(Ld | W | Abs, ArchOffset),
        /* 1 */ Jump(Jmp | Jeq | K, SeccompData.AuditArchX86_64, 1, 0),
        /* 2 */ Stmt(Ret | K, KillProcess),
        /* 3 */ Stmt(Ld | W | Abs, NrOffset),
        /* 4 */ Jump(Jmp | Jeq | K, 56, 0, 3), // not clone -> 8
        /* 5 */ Stmt(Ld | W | Abs, Arg0Low),
        /* 6 */ Jump(Jmp | Jset | K, (uint)CloneThread, 1, 0), // a thread -> 8
        /* 7 */ Stmt(Ret | K, refusal),
        /* 8 */ Stmt(Ret | K, Allow),
    ];

    /// <summary>A program that returns <paramref name="value"/> whatever the call.</summary>
    public static SockFilter[] Returning(uint value) => [Stmt(Ret | K, value)];

    /// <summary>A system call as the x86-64 filters see it.</summary>
    public static SeccompData Call(int nr, params ulong[] args) =>
        new(nr, SeccompData.AuditArchX86_64, 0x7F00_0000_1002, args);

    /// <summary>Runs a program the validator accepts and returns its value.</summary>
    public static uint Run(SockFilter[] program, SeccompData data)
    {
        bool ran = SeccompInterpreter.TryRun(program, data, out uint result, out string? error);
        Assert.True(ran, error);
        Assert.Null(error);
        return result;
    }
}
