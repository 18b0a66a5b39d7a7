namespace Sideye.Capture.BuiltIns;

/// <summary>
/// Recognizes one library's or runtime feature's state on the heap with no spec (gRPC calls, ASP.NET Core
/// requests, locks...) and turns it into built-in table rows, stack links, wait times and continuations.
/// It runs on the walked runtime (the frozen clone, a stopped process or a dump), after the stacks are walked.
/// A recognizer that meets internals it does not know (another library version) leaves its rows out and says
/// so with <see cref="BuiltInContext.Warn"/>; an exception it throws becomes such a warning too, never a
/// failed snapshot.
/// </summary>
internal interface IBuiltInRecognizer
{
    /// <summary>What it recognizes, for warnings ("gRPC client calls").</summary>
    string Name { get; }

    /// <summary>Whether the heap pass should hand it the objects of this type (full runtime name, generic arguments included).</summary>
    bool Wants(string typeName);

    /// <summary>
    /// First phase: stacks that end awaiting a task other code will complete, joined to the stack of that code
    /// (<see cref="BuiltInContext.Continue"/>). The joins are applied before <see cref="Recognize"/> runs.
    /// </summary>
    void FindContinuations(BuiltInContext context)
    {
    }

    /// <summary>Second phase, on the joined stacks: rows, links and wait times.</summary>
    void Recognize(BuiltInContext context);
}
