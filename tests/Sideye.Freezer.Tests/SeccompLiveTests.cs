using System.Diagnostics;
using Sideye.Freezer.Seccomp;
using static Sideye.Freezer.Tests.TestPrograms;

namespace Sideye.Freezer.Tests;

/// <summary>
/// The check against real targets (dumps/seccomp), on threads stopped with ptrace as the freezer stops
/// them. Needs CAP_SYS_ADMIN (PTRACE_SECCOMP_GET_FILTER) and a test host without seccomp of its own.
/// </summary>
public sealed class SeccompLiveTests
{
    private const ulong SyscallAddress = 0x7F00_0000_1000; // these filters do not look at the address
    private const ulong WNohangWall = 0x4000_0001;
    private static readonly ulong[] ForkLikeClone = [0, 0, 0, 0, 0, 0];
    private static readonly ulong[] ThreadClone = [CloneThread, 0, 0, 0, 0, 0];

    [Theory]
    [InlineData("errno", Errno | EPERM, "seccomp filter returns ERRNO(1) for clone()")]
    [InlineData("kill", KillProcess, "seccomp filter returns KILL_PROCESS for clone()")]
    public void RefusesTheFreezersCloneOnAFilteredTarget(string refusal, uint expectedReturn, string expectedReason)
    {
        using SeccompTargetProcess target = SeccompTargetProcess.Start("--refuse-clone", refusal);

        // TSYNC put the filter on every thread, including those the runtime started before it.
        Assert.All(target.ThreadIds(), tid => Assert.Contains("Seccomp:\t2\n", target.ThreadStatus(tid), StringComparison.Ordinal));

        // A thread started after the filter, one the runtime started before it, and the main thread.
        foreach (int tid in new[] { target.ThreadNamed("sleeper"), target.ThreadNamed(".NET Finalizer"), target.Id })
        {
            var seen = StoppedThread.While(tid, () =>
            {
                bool read = SeccompFilterReader.TryRead(tid, out IReadOnlyList<SockFilter[]> filters, out string? error);
                return (
                    Clone: SeccompCheck.Verdict(tid, SyscallAddress, 56, ForkLikeClone),
                    ThreadClone: SeccompCheck.Verdict(tid, SyscallAddress, 56, ThreadClone),
                    Wait4: SeccompCheck.Verdict(tid, SyscallAddress, 61, [(ulong)target.Id, 0, WNohangWall, 0, 0, 0]),
                    Filters: read ? filters : throw new InvalidOperationException(error));
            });

            Assert.False(seen.Clone.IsAllowed);
            Assert.Equal(expectedReason, seen.Clone.Reason);
            Assert.Equal(expectedReturn, seen.Clone.FilterReturn);

            Assert.True(seen.ThreadClone.IsAllowed, seen.ThreadClone.Reason);
            Assert.Equal(Allow, seen.ThreadClone.FilterReturn);
            Assert.True(seen.Wait4.IsAllowed, seen.Wait4.Reason);
            Assert.Equal(Allow, seen.Wait4.FilterReturn);

            // Read back exactly as the target installed it.
            SockFilter[] filter = Assert.Single(seen.Filters);
            Assert.Equal(CloneDenyList(expectedReturn), filter);

            AssertRunsOn(target, tid);
        }
    }

    [Fact]
    public void ReadingFiltersNeedsAStopOfTheCallingThread()
    {
        using SeccompTargetProcess target = SeccompTargetProcess.Start("--refuse-clone", "errno");
        int tid = target.ThreadNamed("sleeper");
        const string NotStopped = "could not read the seccomp filter: ESRCH (the thread is gone, or not in a ptrace-stop of the calling thread)";

        // Running: nothing to read, and no guess either.
        SeccompVerdict running = SeccompCheck.Verdict(tid, SyscallAddress, 56, ForkLikeClone);
        Assert.False(running.IsAllowed);
        Assert.Equal(NotStopped, running.Reason);

        // Stopped, but asked from another OS thread than the one that seized it: the kernel says ESRCH too.
        SeccompVerdict fromAnotherThread = StoppedThread.While(tid, () =>
            Task.Factory.StartNew(
                () => SeccompCheck.Verdict(tid, SyscallAddress, 56, ForkLikeClone),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Result);
        Assert.Equal(NotStopped, fromAnotherThread.Reason);

        AssertRunsOn(target, tid);
    }

    [Fact]
    public void ATargetWithoutAFilterIsAllowedFromProcAlone()
    {
        using SeccompTargetProcess target = SeccompTargetProcess.Start();
        int tid = target.ThreadNamed("sleeper");
        Assert.Contains("Seccomp:\t0\n", target.ThreadStatus(tid), StringComparison.Ordinal);

        var seen = StoppedThread.While(tid, () =>
        {
            var clock = Stopwatch.StartNew();
            SeccompVerdict clone = SeccompCheck.Verdict(tid, SyscallAddress, 56, ForkLikeClone);
            TimeSpan took = clock.Elapsed;
            SeccompFilterReader.TryRead(tid, out _, out string? readError);
            return (Clone: clone, Took: took, ReadError: readError);
        });

        Assert.True(seen.Clone.IsAllowed);
        Assert.Null(seen.Clone.Reason);
        Assert.Null(seen.Clone.FilterReturn); // no filter was read or run: /proc said there is none
        Assert.True(seen.Took < TimeSpan.FromSeconds(1), $"took {seen.Took}");
        // Which is why /proc comes first: the kernel has no filter to hand out for such a thread.
        Assert.Equal(
            "could not read the seccomp filter: EINVAL (the thread is not in seccomp filter mode, or the kernel lacks CONFIG_CHECKPOINT_RESTORE)",
            seen.ReadError);

        AssertRunsOn(target, tid);
    }

    /// <summary>After the detach the target lives on: still there half a second later, not traced, not stopped.</summary>
    private static void AssertRunsOn(SeccompTargetProcess target, int tid)
    {
        Thread.Sleep(500);
        Assert.True(target.IsRunning, "the target still runs");
        string status = target.ThreadStatus(tid);
        Assert.Contains("TracerPid:\t0\n", status, StringComparison.Ordinal);
        Assert.DoesNotContain("State:\tt", status, StringComparison.Ordinal);
        Assert.DoesNotContain("State:\tT", status, StringComparison.Ordinal);
    }
}
