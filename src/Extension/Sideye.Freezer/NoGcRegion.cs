using System.Runtime;

namespace Sideye.Freezer;

/// <summary>Keeps the freezer's own garbage collector out of a pause (a gen0 collection costs about a millisecond).</summary>
internal sealed class NoGcRegion : IDisposable
{
    private readonly bool _entered;

    public NoGcRegion(long budgetBytes = 32L << 20)
    {
        try
        {
            _entered = GC.TryStartNoGCRegion(budgetBytes);
        }
        catch (InvalidOperationException)
        {
            // already in one
        }
    }

    public void Dispose()
    {
        if (_entered && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            GC.EndNoGCRegion();
    }
}
