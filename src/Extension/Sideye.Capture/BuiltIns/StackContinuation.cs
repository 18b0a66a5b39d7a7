namespace Sideye.Capture.BuiltIns;

/// <summary>
/// The stack at <paramref name="Awaiting"/> ends awaiting a task that the code on the stack at
/// <paramref name="Completer"/> will complete (through <paramref name="Via"/>, e.g. a gRPC call object): one logical stack.
/// </summary>
internal sealed record StackContinuation(int Awaiting, int Completer, ulong Via, string Detail);
