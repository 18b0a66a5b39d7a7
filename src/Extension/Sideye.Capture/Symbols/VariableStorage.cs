namespace Sideye.Capture.Symbols;

/// <summary>
/// Where a variable lives while the method is on a stack, which decides whether a capture can read it.
/// </summary>
public enum VariableStorage
{
    /// <summary>An argument or IL local of a method running on a thread: read through the DAC, named by the PDB.</summary>
    Frame,

    /// <summary>A field of an async method's state machine (hoisted): readable whether the call is suspended or running.</summary>
    StateMachine,

    /// <summary>A local captured by a lambda in an async method: a field of the closure the state machine holds.</summary>
    Closure,

    /// <summary>
    /// An async method's variable that was not hoisted (Release builds hoist only what is used after an await). A
    /// local then exists only in MoveNext's frame: it has a value while the call runs on a thread (where the PDB
    /// names it), never in a suspended call. A parameter or <c>this</c> is not even there: it cannot be captured.
    /// </summary>
    NotHoisted,

    /// <summary>
    /// A runtime-async method's argument or local (.NET 11): no state machine; a suspended call saves it in its
    /// continuation only at the awaits after which it is live (optimized code), where the runtime's async debug info
    /// says. Running on a thread, it is a frame variable like any other.
    /// </summary>
    Continuation,
}
