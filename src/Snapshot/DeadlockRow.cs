using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>
/// One row of <c>deadlocks</c>: one edge of a cycle in the wait-for graph. The rows of a cycle share
/// <see cref="DeadlockId"/>, in order: the stack at <see cref="Position"/> waits for what the next one holds.
/// </summary>
public sealed record DeadlockRow(
    [property: JsonPropertyName("deadlock_id")] int DeadlockId,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("position")] int Position,
    [property: JsonPropertyName("stack_id")] long StackId,
    [property: JsonPropertyName("waits_for")] string WaitsFor,
    [property: JsonPropertyName("waits_for_address")] long? WaitsForAddress,
    [property: JsonPropertyName("held_by_stack_id")] long HeldByStackId,
    [property: JsonPropertyName("description")] string? Description);
