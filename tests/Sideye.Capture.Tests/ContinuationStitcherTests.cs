using Sideye.Capture.BuiltIns;
using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture.Tests;

public sealed class ContinuationStitcherTests
{
    private static CapturedStack Async(params string[] methods) =>
        new(StackKinds.Async, [.. methods.Select(m => new CapturedFrame(m, "M", 0, null, null, FrameKinds.Async))], State: "awaiting");

    [Fact]
    public void The_completer_runs_innermost_then_a_marker_then_the_awaiting_stack_and_is_not_listed_again()
    {
        CapturedStack user = Async("App.GetInfoAsync", "App.RunClientAsync");
        CapturedStack call = Async("Http2Stream.ReadResponseHeadersAsync", "GrpcCall.RunCall");
        CapturedStack other = Async("App.Other");

        IReadOnlyList<CapturedStack> joined = ContinuationStitcher.Join([user, call, other], [new StackContinuation(0, 1, 0xABC, "completes: gRPC call /x.Y/GetInfo")]);

        Assert.Equal(2, joined.Count);
        Assert.Equal(["Http2Stream.ReadResponseHeadersAsync", "GrpcCall.RunCall", "[completes: gRPC call /x.Y/GetInfo]", "App.GetInfoAsync", "App.RunClientAsync"],
            joined[0].Frames.Select(f => f.Method));
        Assert.Equal(FrameKinds.Continuation, joined[0].Frames[2].Kind);
        Assert.Equal(0xABCUL, joined[0].Frames[2].ObjectAddress);
        Assert.Same(other, joined[1]);
    }

    [Fact]
    public void Chains_join_transitively_a_second_claim_on_a_completer_is_ignored_and_a_cycle_is_left_alone()
    {
        CapturedStack a = Async("A"), b = Async("B"), c = Async("C"), d = Async("D"), x = Async("X"), y = Async("Y");

        IReadOnlyList<CapturedStack> joined = ContinuationStitcher.Join([a, b, c, d, x, y],
        [
            new StackContinuation(0, 1, 1, "a<-b"), new StackContinuation(1, 2, 2, "b<-c"), // a chain: c, b, a
            new StackContinuation(3, 2, 3, "d<-c"),                                         // c is taken: d stays alone
            new StackContinuation(4, 5, 4, "x<-y"), new StackContinuation(5, 4, 5, "y<-x"), // a cycle: both stay
        ]);

        Assert.Equal(["C", "[b<-c]", "B", "[a<-b]", "A"], joined[0].Frames.Select(f => f.Method));
        Assert.Equal(["D"], joined[1].Frames.Select(f => f.Method));
        Assert.Equal([["X"], ["Y"]], joined.Skip(2).Select(s => s.Frames.Select(f => f.Method).ToArray()));
    }

    [Fact]
    public void Rebasing_gives_snapshot_wide_stack_ids_and_the_pid_and_drops_rows_pointing_nowhere()
    {
        var local = BuiltInTables.Empty with
        {
            StackLinks = [new StackLinkRow(0, 2, 0, StackLinkKinds.WaitsForLock, 0x10, null), new StackLinkRow(0, 9, 0, StackLinkKinds.WaitsForLock, 0x10, null)],
            Locks = [new LockRow(0, 0x10, LockKinds.Monitor, "T", 2, 1, 1, null, 1, 1, null, null), new LockRow(0, 0x20, LockKinds.SemaphoreSlim, "S", null, null, null, "owner not recorded", null, 1, 0, 1)],
            GrpcClientCalls = [new GrpcClientCallRow(1, 0, "/a/B", 3, null, null, null, null, null)],
        };

        BuiltInTables rebased = BuiltInRows.Rebase(local, pid: 42, firstStackId: 101, stackCount: 3);

        StackLinkRow link = Assert.Single(rebased.StackLinks);
        Assert.Equal((101L, 103L, 42), (link.FromStackId, link.ToStackId, link.Pid));
        Assert.Equal([103L, null], rebased.Locks.Select(l => l.OwnerStackId));
        Assert.All(rebased.Locks, l => Assert.Equal(42, l.Pid));
        Assert.Equal(102L, Assert.Single(rebased.GrpcClientCalls).StackId);
    }
}
