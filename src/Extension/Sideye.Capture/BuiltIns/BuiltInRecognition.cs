using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Dac;
using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture.BuiltIns;

/// <summary>
/// Runs the built-in recognizers over one walked runtime: continuations first (joined into single logical
/// stacks), then rows, links and waits on the joined stacks. A recognizer that throws costs its own rows and a
/// warning, nothing else.
/// </summary>
internal static class BuiltInRecognition
{
    public static (IReadOnlyList<CapturedStack> Stacks, BuiltInTables Tables) Run(
        IReadOnlyList<IBuiltInRecognizer> recognizers, IReadOnlyList<List<ClrObject>> objects, ClrRuntime runtime, TargetDac? dac,
        IReadOnlyList<CapturedStack> stacks, CaptureClock? clock, List<string> warnings, CancellationToken cancellationToken)
    {
        if (recognizers.Count == 0)
            return (stacks, BuiltInTables.Empty);

        var first = new BuiltInContext(runtime, dac, stacks, clock, warnings);
        Each(recognizers, objects, first, r => r.FindContinuations(first), cancellationToken);
        IReadOnlyList<CapturedStack> joined = ContinuationStitcher.Join(stacks, first.Continuations);

        var second = new BuiltInContext(runtime, dac, joined, clock, warnings);
        Each(recognizers, objects, second, r => r.Recognize(second), cancellationToken);
        return (second.StacksWithWaits(), second.Tables());
    }

    private static void Each(IReadOnlyList<IBuiltInRecognizer> recognizers, IReadOnlyList<List<ClrObject>> objects, BuiltInContext context,
        Action<IBuiltInRecognizer> phase, CancellationToken cancellationToken)
    {
        for (int i = 0; i < recognizers.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            context.Current = recognizers[i];
            context.Objects = objects[i];
            try
            {
                phase(recognizers[i]);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                // Another library version, a half-written object: this recognizer's part is missing, the snapshot is not.
                context.Warn($"not recognized ({e.GetType().Name}: {e.Message})");
            }
        }
        context.Current = null;
    }
}
