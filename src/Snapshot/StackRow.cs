using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>
/// One row of the <c>stacks</c> table: a thread's stack (<see cref="StackKinds.Thread"/>) or an async
/// logical stack (<see cref="StackKinds.Async"/>), a chain of state machines found on the heap.
/// </summary>
public sealed record StackRow(
    [property: JsonPropertyName("stack_id")] long StackId,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("os_thread_id")] long? OsThreadId,
    [property: JsonPropertyName("managed_thread_id")] int? ManagedThreadId,
    [property: JsonPropertyName("thread_name")] string? ThreadName,
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("frame_count")] int FrameCount,
    [property: JsonPropertyName("awaiting")] string? Awaiting,
    [property: JsonPropertyName("task_address")] long? TaskAddress,
    [property: JsonPropertyName("waiting_since"), UtcTimestamp] DateTime? WaitingSince = null,
    [property: JsonPropertyName("wait_ms")] double? WaitMs = null,
    [property: JsonPropertyName("wait_source")] string? WaitSource = null);

/// <summary>The values of <see cref="StackRow.Kind"/>.</summary>
public static class StackKinds
{
    public const string Thread = "thread";
    public const string Async = "async";
}
