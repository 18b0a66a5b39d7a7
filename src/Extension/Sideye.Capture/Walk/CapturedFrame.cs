namespace Sideye.Capture.Walk;

/// <summary>A frame as the walkers produce it, before it gets its stack id and depth in the snapshot.</summary>
public sealed record CapturedFrame(
    string Method,
    string? Module,
    int? IlOffset,
    string? File,
    int? Line,
    string Kind,
    int? AwaitState = null,
    ulong? InstructionPointer = null,
    ulong? ObjectAddress = null,
    int? MethodToken = null,
    IReadOnlyList<CapturedVariable>? Variables = null,
    ulong? StackPointer = null);
