using System.Runtime;

namespace Sideye.Capture.Target;

/// <summary>
/// Keeps Sideye's own garbage collector out of a target's pause: a collection of the capture's allocations in the
/// middle of a walk stalled it 25–30 ms (about one snapshot of the demo server in four). Entered before the
/// targets are stopped (entering may itself collect), left once they run again; past the budget the runtime
/// collects anyway and the region simply ends.
/// </summary>
internal sealed class NoGcRegion : IDisposable
{
    private readonly bool _entered;

    public NoGcRegion(long budgetBytes)
    {
        foreach (long budget in new[] { budgetBytes, budgetBytes / 4 })
        {
            try
            {
                _entered = GC.TryStartNoGCRegion(budget);
                return;
            }
            catch (ArgumentOutOfRangeException)
            {
                // larger than this GC configuration allows: try a smaller budget
            }
            catch (InvalidOperationException)
            {
                return; // already in a region
            }
        }
    }

    public void Dispose()
    {
        if (!_entered || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion)
            return;
        try
        {
            GC.EndNoGCRegion();
        }
        catch (InvalidOperationException)
        {
            // the budget ran out and a collection already ended the region
        }
    }
}
