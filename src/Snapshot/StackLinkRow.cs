using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>
/// One row of <c>stack_links</c>: a relation between two stacks the heap proves (not a guess), such as a waiter
/// and the holder of its lock, or a stack and the stack that will complete what it awaits.
/// </summary>
public sealed record StackLinkRow(
    [property: JsonPropertyName("from_stack_id")] long FromStackId,
    [property: JsonPropertyName("to_stack_id")] long ToStackId,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("via_addr")] long? ViaAddress,
    [property: JsonPropertyName("detail")] string? Detail);

/// <summary>The values of <see cref="StackLinkRow.Kind"/>.</summary>
public static class StackLinkKinds
{
    /// <summary>The target stack will complete what the source stack awaits (a TaskCompletionSource's completer).</summary>
    public const string CompletedBy = "completed-by";

    /// <summary>The source stack waits for a lock the target stack holds.</summary>
    public const string WaitsForLock = "waits-for-lock";

    /// <summary>The source async stack awaits a task whose continuation is the target stack (an async cycle's edge).</summary>
    public const string Awaits = "awaits";
}
