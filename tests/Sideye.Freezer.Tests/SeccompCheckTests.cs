using Sideye.Freezer.Seccomp;
using static Sideye.Freezer.Seccomp.BpfCode;
using static Sideye.Freezer.Seccomp.SockFilter;
using static Sideye.Freezer.Tests.TestPrograms;

namespace Sideye.Freezer.Tests;

/// <summary>The verdicts and reasons the freezer will act on, from filters already in hand.</summary>
public sealed class SeccompCheckTests
{
    private const ulong SyscallAddress = 0x7F00_0000_1000;
    private const ulong WNohangWall = 0x4000_0001; // WNOHANG | __WALL

    private static SeccompVerdict Judge(SockFilter[] filter, long syscall, params ulong[] args) =>
        SeccompCheck.Judge([filter], SeccompCheck.DataFor(SyscallAddress, syscall, args));

    [Fact]
    public void DockerStyleProfileAllowsTheFreezersCloneAndWait4()
    {
        SeccompVerdict clone = Judge(DockerStyle, 56, 0, 0, 0, 0, 0, 0);
        Assert.True(clone.IsAllowed);
        Assert.Null(clone.Reason);
        Assert.Equal(Allow, clone.FilterReturn);
        Assert.Equal(SeccompAction.Allow, clone.Action);

        Assert.True(Judge(DockerStyle, 61, 12345, 0, WNohangWall, 0).IsAllowed);
    }

    [Fact]
    public void DockerStyleProfileRefusesNamespacesClone3AndForeignArches()
    {
        SeccompVerdict newUser = Judge(DockerStyle, 56, CloneNewUser);
        Assert.False(newUser.IsAllowed);
        Assert.Equal("seccomp filter returns ERRNO(1) for clone()", newUser.Reason);
        Assert.Equal(Errno | EPERM, newUser.FilterReturn);

        // A flag bit above 32 bits is refused too (libseccomp compares both halves of a 64-bit argument).
        Assert.Equal(Errno | EPERM, Judge(DockerStyle, 56, 1UL << 32).FilterReturn);
        Assert.Equal("seccomp filter returns ERRNO(38) for clone3()", Judge(DockerStyle, 435).Reason);
        Assert.Equal("seccomp filter returns ERRNO(1) for system call 1073741880", Judge(DockerStyle, 0x4000_0000 | 56).Reason);
        Assert.Equal("seccomp filter returns ERRNO(1) for system call 500", Judge(DockerStyle, 500).Reason);

        var i386 = new SeccompData(56, AuditArchI386, SyscallAddress + 2, []);
        SeccompVerdict foreign = SeccompCheck.Judge([DockerStyle], i386);
        Assert.Equal("seccomp filter returns KILL_PROCESS for clone()", foreign.Reason);
        Assert.Equal(SeccompAction.KillProcess, foreign.Action);
    }

    [Fact]
    public void DenyListRefusesProcessClonesAndAllowsThreads()
    {
        SockFilter[] denyList = CloneDenyList(Errno | EPERM);

        SeccompVerdict fork = Judge(denyList, 56, 0);
        Assert.False(fork.IsAllowed);
        Assert.Equal("seccomp filter returns ERRNO(1) for clone()", fork.Reason);
        Assert.Equal(SeccompAction.Errno, fork.Action);

        // glibc's fork(): CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, no CLONE_THREAD.
        Assert.False(Judge(denyList, 56, 0x0120_0011).IsAllowed);
        // pthread_create's clone flags (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | ...).
        Assert.True(Judge(denyList, 56, 0x003D_0F00).IsAllowed);
        Assert.True(Judge(denyList, 56, CloneThread).IsAllowed);
        Assert.True(Judge(denyList, 435).IsAllowed);
        Assert.True(Judge(denyList, 61, 12345, 0, WNohangWall, 0).IsAllowed);
    }

    [Theory]
    [InlineData(KillProcess, "KILL_PROCESS")]
    [InlineData(KillThread, "KILL_THREAD")]
    [InlineData(Trap | 9, "TRAP")]
    [InlineData(UserNotif, "USER_NOTIF")]
    [InlineData(Trace | 3, "TRACE")]
    [InlineData(Errno | 0, "ERRNO(0)")]
    [InlineData(Errno | 0xFFFF, "ERRNO(4095)")] // clamped to MAX_ERRNO, as the kernel does
    [InlineData(0x0004_0000u, "the unknown action 0x00040000 (which kills the process)")]
    public void EveryRefusingActionIsNamedInTheReason(uint refusal, string action)
    {
        SeccompVerdict verdict = Judge(CloneDenyList(refusal), 56, 0);
        Assert.False(verdict.IsAllowed);
        Assert.Equal($"seccomp filter returns {action} for clone()", verdict.Reason);
        Assert.Equal(refusal, verdict.FilterReturn);
    }

    [Fact]
    public void LogLetsTheCallRun()
    {
        SeccompVerdict verdict = Judge(CloneDenyList(Log), 56, 0);
        Assert.True(verdict.IsAllowed);
        Assert.Null(verdict.Reason);
        Assert.Equal(SeccompAction.Log, verdict.Action);
    }

    [Fact]
    public void KillProcessFromAnOlderFilterBeatsANewerAllow()
    {
        SeccompData clone = SeccompCheck.DataFor(SyscallAddress, 56, [0]);
        SeccompVerdict verdict = SeccompCheck.Judge([Returning(Allow), CloneDenyList(KillProcess)], clone);
        Assert.Equal("seccomp filter returns KILL_PROCESS for clone()", verdict.Reason);
    }

    [Fact]
    public void FiltersSeeTheAddressAfterTheSyscallInstruction()
    {
        SeccompData data = SeccompCheck.DataFor(0x7F00_0000_1000, 61, [7, 0, WNohangWall, 0]);
        Assert.Equal(0x7F00_0000_1002UL, data.InstructionPointer);
        Assert.Equal(61, data.Nr);
        Assert.Equal(SeccompData.AuditArchX86_64, data.Arch);
        Assert.Equal(WNohangWall, data.Argument(2));
        Assert.Equal(0UL, data.Argument(5));

        // A filter that only allows system calls made from one syscall instruction (as some sandboxes do).
        SockFilter[] fromOnePlace =
        [
            Stmt(Ld | W | Abs, IpOffset), Jump(Jmp | Jeq | K, 0x0000_1002, 0, 3),
            Stmt(Ld | W | Abs, IpOffset + 4), Jump(Jmp | Jeq | K, 0x7F00, 0, 1),
            Stmt(Ret | K, Allow), Stmt(Ret | K, Trap),
        ];
        Assert.True(SeccompCheck.Judge([fromOnePlace], data).IsAllowed);
        Assert.Equal("seccomp filter returns TRAP for wait4()", SeccompCheck.Judge([fromOnePlace], SeccompCheck.DataFor(0x7F00_0000_1002, 61, [])).Reason);
    }

    [Fact]
    public void MalformedFilterIsCannotTell()
    {
        SeccompVerdict verdict = Judge([Stmt(Ld | Imm, 7), Stmt(Alu | Mod | K, 3), Stmt(Ret | A, 0)], 56, 0);
        Assert.False(verdict.IsAllowed);
        Assert.Equal("could not evaluate the seccomp filter: filter 0 of 1: instruction 1 { 0x94, 0, 0, 0x00000003 }: BPF_MOD, which seccomp does not accept", verdict.Reason);
        Assert.Null(verdict.FilterReturn);
    }

    [Fact]
    public void FilterModeWithoutFiltersIsRefused()
    {
        SeccompVerdict verdict = SeccompCheck.Judge([], SeccompCheck.DataFor(SyscallAddress, 56, []));
        Assert.False(verdict.IsAllowed);
        Assert.Equal("the thread is in seccomp filter mode but has no filter to read", verdict.Reason);
    }

    [Theory]
    [InlineData(0L, true)]
    [InlineData(1L, true)]
    [InlineData(15L, true)]
    [InlineData(60L, true)]
    [InlineData(231L, false)] // exit_group
    public void StrictModeAllowsOnlyItsFourCalls(long syscall, bool allowed) =>
        Assert.Equal(allowed, SeccompCheck.Strict(syscall).IsAllowed);

    [Fact]
    public void StrictModeRefusesCloneAndWait4()
    {
        Assert.Equal("the thread is in strict seccomp mode, which kills it for clone()", SeccompCheck.Strict(56).Reason);
        Assert.Equal("the thread is in strict seccomp mode, which kills it for wait4()", SeccompCheck.Strict(61).Reason);
    }

    [Fact]
    public void MoreThanSixArgumentsIsACallerBug() =>
        Assert.Throws<ArgumentException>(() => SeccompCheck.DataFor(SyscallAddress, 56, [1, 2, 3, 4, 5, 6, 7]));

    [Fact]
    public void AThreadWithoutSeccompIsAllowedWithoutReadingFilters()
    {
        // This test process runs without seccomp (else the live tests could not read filters: EACCES).
        SeccompVerdict verdict = SeccompCheck.Verdict(Environment.ProcessId, SyscallAddress, 56, [0, 0, 0, 0, 0, 0]);
        Assert.True(verdict.IsAllowed);
        Assert.Null(verdict.FilterReturn);
    }

    [Fact]
    public void AThreadThatIsGoneIsRefused()
    {
        // pid_max is at most 2^22: no thread has this id.
        SeccompVerdict verdict = SeccompCheck.Verdict(int.MaxValue, SyscallAddress, 56, [0]);
        Assert.False(verdict.IsAllowed);
        Assert.StartsWith($"could not read /proc/{int.MaxValue}/status: ", verdict.Reason, StringComparison.Ordinal);
    }
}
