using Sideye.Freezer.Seccomp;
using static Sideye.Freezer.Seccomp.BpfCode;
using static Sideye.Freezer.Seccomp.SockFilter;
using static Sideye.Freezer.Tests.TestPrograms;

namespace Sideye.Freezer.Tests;

/// <summary>Several filters on one thread: all run, the most severe action wins (seccomp_run_filters).</summary>
public sealed class SeccompFilterChainTests
{
    private static uint Evaluate(params SockFilter[][] newestFirst)
    {
        Assert.True(SeccompFilterChain.TryEvaluate(newestFirst, Call(56), out uint result, out string? error), error);
        return result;
    }

    [Theory]
    [InlineData(KillProcess, KillThread, KillProcess)]
    [InlineData(KillThread, Trap, KillThread)]
    [InlineData(Trap, Errno | 1, Trap)]
    [InlineData(Errno | 1, UserNotif, Errno | 1)]
    [InlineData(UserNotif, Trace | 7, UserNotif)]
    [InlineData(Trace | 7, Log, Trace | 7)]
    [InlineData(Log, Allow, Log)]
    [InlineData(Allow, Allow, Allow)]
    public void TheMoreSevereActionWinsWhicheverFilterReturnsIt(uint severe, uint lenient, uint expected)
    {
        Assert.Equal(expected, Evaluate(Returning(severe), Returning(lenient)));
        Assert.Equal(expected, Evaluate(Returning(lenient), Returning(severe)));
    }

    [Fact]
    public void AmongEqualActionsTheNewestFiltersDataWins()
    {
        Assert.Equal(Errno | 13, Evaluate(Returning(Errno | 13), Returning(Errno | 1)));
        Assert.Equal(Errno | 1, Evaluate(Returning(Errno | 1), Returning(Errno | 13)));
    }

    [Fact]
    public void KillProcessOutranksAnAllowingProfile()
    {
        // Docker's profile allows clone(0); a newer filter stacked on top kills for it.
        Assert.Equal(Allow, Evaluate(DockerStyle));
        Assert.Equal(KillProcess, Evaluate(CloneDenyList(KillProcess), DockerStyle));
    }

    [Fact]
    public void AnUnknownActionSortsByItsSignedValue()
    {
        // 0x00010000 is between KILL_THREAD and TRAP; 0x7FFE0000 between LOG and ALLOW.
        Assert.Equal(0x0001_0000u, Evaluate(Returning(0x0001_0000), Returning(Trap)));
        Assert.Equal(KillThread, Evaluate(Returning(0x0001_0000), Returning(KillThread)));
        Assert.Equal(Log, Evaluate(Returning(0x7FFE_0000), Returning(Log)));
    }

    [Fact]
    public void NoFiltersAllow() => Assert.Equal(Allow, Evaluate());

    [Fact]
    public void OneMalformedFilterSpoilsTheVerdict()
    {
        SockFilter[] broken = [Stmt(Ld | W | Abs, 3), Stmt(Ret | K, Allow)];
        Assert.False(SeccompFilterChain.TryEvaluate([Returning(Allow), broken, Returning(KillProcess)], Call(56), out _, out string? error));
        // Numbered as PTRACE_SECCOMP_GET_FILTER numbers them: the second newest of three is index 1.
        Assert.Equal(
            "filter 1 of 3: instruction 0 { 0x20, 0, 0, 0x00000003 }: loads offset 3 of seccomp_data, not an aligned 32-bit word inside its 64 bytes",
            error);
    }
}
