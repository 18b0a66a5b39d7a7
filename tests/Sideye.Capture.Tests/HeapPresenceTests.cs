using Sideye.Capture.Target;

namespace Sideye.Capture.Tests;

/// <summary>
/// A dump without the GC heap must be refused and one with it accepted, whichever heap pages the runtime happened
/// to put its thread objects on (a mini dump holds those few pages; one CI machine had a segment's first object
/// among them, and the old "is the first object readable" test let that mini dump through).
/// </summary>
public sealed class HeapPresenceTests
{
    [Theory]
    [InlineData("--normal", 0.0, 0.3)]
    [InlineData("--withheap", 1.0, 1.0)]
    [InlineData("--full", 1.0, 1.0)]
    public void Only_dumps_that_hold_the_heap_count_as_having_one(string kind, double atLeast, double atMost)
    {
        string dll = KnownValuesTarget.Build("Debug");
        string dump = Path.Combine(Path.GetTempPath(), $"sideye-heap-{Guid.NewGuid():N}.core");
        DacDebuggeeProcess process = DacTestProcesses.Start(dll);
        try
        {
            DacTestProcesses.CreateDump(process.Id, dump, kind);
        }
        finally
        {
            process.Dispose();
        }

        try
        {
            using OpenedTarget target = TargetOpener.OpenDump(dump);
            Assert.NotEmpty(target.Runtime.Heap.Segments); // a mini dump still lists them: the memory is what's missing
            Assert.InRange(DumpCapture.HeapCoverage(target.Runtime), atLeast, atMost); // refused below 0.5
        }
        finally
        {
            File.Delete(dump);
        }
    }
}
