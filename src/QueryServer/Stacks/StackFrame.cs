namespace Sideye.QueryServer.Stacks;

/// <summary>One frame of a stack as the stacks view shows it; <see cref="Depth"/> 0 is the innermost (leaf).</summary>
public sealed record StackFrame(
    int Depth,
    string Method,
    string? Module,
    string? File,
    int? Line,
    int? IlOffset,
    string Kind,
    int? AwaitState);
