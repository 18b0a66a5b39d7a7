using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Target;
using Sideye.Capture.Target.Clone;
using Sideye.Freezer.Protocol;

namespace Sideye.Capture.Tests;

/// <summary>
/// The freezer against dumps/ticker, a process whose counters tick in lock step in a primitive static (W^X
/// double-mapped memory, shared with a clone) and in a heap object (copy-on-write, frozen in a clone).
/// </summary>
public sealed class CloneFreezeTests : IDisposable
{
    private readonly string _work = DacTestProcesses.NewWorkDirectory("sideye-ticker-");

    [Fact]
    public void A_static_read_from_the_clone_is_the_value_it_had_at_the_instant()
    {
        using DacDebuggeeProcess target = StartTicker();
        using var freezer = FreezerClient.Start(_ => { });
        FrozenProcess frozen = Assert.Single(freezer.Freeze([target.Id], TimeSpan.FromSeconds(30)).Processes);
        Assert.Null(frozen.Error);
        Assert.True(frozen.ClonePid > 0);
        Assert.True(frozen.Shared is { Bytes: > 0 }, "the target's writable shared memory was copied");
        Assert.Contains(frozen.Threads, t => t.Tid == target.Id && t.Rsp != 0 && t.Rip != 0);
        Assert.InRange(frozen.Pause.TotalMs, 0.01, 5_000);
        Thread.Sleep(300); // the target ticks on meanwhile: a live read would be far ahead
        LinuxProcess process = LinuxProcess.Inspect(target.Id);

        (long atInstant, long heap) = ReadCounters(process, frozen);
        Assert.True(heap > 0, "the counters ticked before the instant");
        Assert.InRange(atInstant - heap, 0, 1); // advanced in lock step: one instant holds both

        // Without the copy, the clone shows the static as the running target has it now: the memory is shared.
        (long live, long heapAgain) = ReadCounters(process, frozen with { Shared = null });
        Assert.Equal(heap, heapAgain);
        Assert.True(live - heap > 1000, $"the static read without the copy ({live}) should be ahead of the frozen heap ({heap})");

        ReleaseReply released = freezer.Release(target.Id, TimeSpan.FromSeconds(30));
        Assert.True(released.Reaped, released.Error);
        Assert.False(Directory.Exists($"/proc/{frozen.ClonePid}"), "the clone is gone, zombie included");
        DacTestProcesses.AssertRunningAndDetached(target);
    }

    [Fact]
    public void A_second_freeze_of_the_same_process_works_and_each_clone_is_reaped()
    {
        using DacDebuggeeProcess target = StartTicker();
        using var freezer = FreezerClient.Start(_ => { });
        var clones = new List<int>();
        for (int i = 0; i < 3; i++)
        {
            FrozenProcess frozen = Assert.Single(freezer.Freeze([target.Id], TimeSpan.FromSeconds(30)).Processes);
            Assert.Null(frozen.Error);
            clones.Add(frozen.ClonePid);
            Assert.True(freezer.Release(target.Id, TimeSpan.FromSeconds(30)).Reaped);
        }
        Assert.Equal(3, clones.Distinct().Count());
        Assert.All(clones, c => Assert.False(Directory.Exists($"/proc/{c}")));
        DacTestProcesses.AssertRunningAndDetached(target);
    }

    private DacDebuggeeProcess StartTicker()
    {
        string project = Path.Combine(KnownValuesTarget.RepoRoot(), "dumps", "ticker", "Ticker.csproj");
        return DacTestProcesses.Start(Path.Combine(DacTestProcesses.Build(project, _work), "Ticker.dll"));
    }

    private static (long Static, long Heap) ReadCounters(LinuxProcess process, FrozenProcess frozen)
    {
        using OpenedTarget target = TargetOpener.OpenClone(process, frozen);
        ClrRuntime runtime = target.Runtime;
        ClrType counters = runtime.EnumerateModules().First(m => Path.GetFileName(m.Name) == "Ticker.dll").GetTypeByName("Ticker.Counters")
            ?? throw new InvalidOperationException("Ticker.Counters not found");
        ClrAppDomain domain = runtime.AppDomains.Single();
        long ticks = counters.GetStaticFieldByName("Ticks")!.Read<long>(domain);
        long heap = counters.GetStaticFieldByName("Heap")!.ReadObject(domain).ReadField<long>("Ticks");
        return (ticks, heap);
    }

    public void Dispose() => DacTestProcesses.DeleteDirectory(_work);
}
