using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>
/// One row of the <c>frames</c> table. <see cref="Depth"/> 0 is the innermost frame (the leaf). On a
/// thread stack that was running an async method, the frames after the thread's own ones are the async
/// callers stitched on (kind <see cref="FrameKinds.Async"/>).
/// </summary>
public sealed record FrameRow(
    [property: JsonPropertyName("stack_id")] long StackId,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("depth")] int Depth,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("module")] string? Module,
    [property: JsonPropertyName("il_offset")] int? IlOffset,
    [property: JsonPropertyName("file")] string? File,
    [property: JsonPropertyName("line")] int? Line,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("await_state")] int? AwaitState,
    [property: JsonPropertyName("instruction_pointer")] long? InstructionPointer,
    [property: JsonPropertyName("object_address")] long? ObjectAddress,
    [property: JsonPropertyName("method_token")] int? MethodToken);

/// <summary>The values of <see cref="FrameRow.Kind"/>.</summary>
public static class FrameKinds
{
    /// <summary>A managed method executing on a thread.</summary>
    public const string Managed = "managed";
    /// <summary>A runtime transition frame (e.g. a native-to-managed boundary) with no method of its own.</summary>
    public const string Runtime = "runtime";
    /// <summary>Marks native code between managed frames, which a managed-only walk cannot name.</summary>
    public const string Native = "native";
    /// <summary>An async method suspended at an await, found on the heap (not executing on any thread).</summary>
    public const string Async = "async";
    /// <summary>
    /// Marks where one stack continues another: above it, the code that will complete the task the frames below
    /// it await (a gRPC call's own work under the user's <c>await</c>). Its method names the link.
    /// </summary>
    public const string Continuation = "continuation";
}
