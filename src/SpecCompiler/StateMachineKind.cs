namespace Sideye.SpecCompiler;

/// <summary>
/// Which compiler-generated state machine, if any, holds a method's variables between its steps. Its fields are the
/// parameters and the locals used after an await or a yield (in optimized builds only those; a Debug build hoists all).
/// </summary>
public enum StateMachineKind
{
    None,
    /// <summary><c>async Task</c>/<c>ValueTask</c>/<c>void</c>: <c>[AsyncStateMachine]</c>.</summary>
    Async,
    /// <summary><c>IEnumerable</c>/<c>IEnumerator</c> with <c>yield</c>: <c>[IteratorStateMachine]</c>.</summary>
    Iterator,
    /// <summary><c>IAsyncEnumerable</c>/<c>IAsyncEnumerator</c> with <c>yield</c>: <c>[AsyncIteratorStateMachine]</c>.</summary>
    AsyncIterator,
    /// <summary>
    /// Runtime async (.NET 11, <c>MethodImplAttributes.Async</c> 0x2000): no state machine type; a suspended call's
    /// variables are saved in its continuation, each only at the awaits after which it is live (optimized code).
    /// </summary>
    RuntimeAsync,
}

public static class StateMachineKinds
{
    /// <summary>How C# spells it before a signature: "async", "iterator", "async iterator".</summary>
    public static string Describe(this StateMachineKind kind) => kind switch
    {
        StateMachineKind.Async => "async method",
        StateMachineKind.Iterator => "iterator",
        StateMachineKind.AsyncIterator => "async iterator",
        StateMachineKind.RuntimeAsync => "runtime-async method",
        _ => "method",
    };

    /// <summary>What a local must be used after to be hoisted.</summary>
    public static string SuspensionPoint(this StateMachineKind kind) => kind switch
    {
        StateMachineKind.Async or StateMachineKind.RuntimeAsync => "an await",
        StateMachineKind.Iterator => "a yield",
        _ => "an await or a yield",
    };
}
