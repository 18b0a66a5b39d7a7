using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>One row of <c>lock_waiters</c>: a thread or async stack waiting for a lock of <c>locks</c>.</summary>
public sealed record LockWaiterRow(
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("lock_address")] long LockAddress,
    [property: JsonPropertyName("stack_id")] long StackId,
    [property: JsonPropertyName("mode")] string? Mode);
