using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>
/// One row of <c>locks</c>: a lock that is held or waited for (a Monitor, a System.Threading.Lock, a
/// SemaphoreSlim, a ReaderWriterLockSlim). The owner is the runtime's record, never a guess: where the lock
/// keeps none (a SemaphoreSlim), <see cref="OwnerNote"/> says so.
/// </summary>
public sealed record LockRow(
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("lock_address")] long LockAddress,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("object_type")] string? ObjectType,
    [property: JsonPropertyName("owner_stack_id")] long? OwnerStackId,
    [property: JsonPropertyName("owner_os_thread_id")] long? OwnerOsThreadId,
    [property: JsonPropertyName("owner_managed_thread_id")] int? OwnerManagedThreadId,
    [property: JsonPropertyName("owner_note")] string? OwnerNote,
    [property: JsonPropertyName("recursion")] int? Recursion,
    [property: JsonPropertyName("waiter_count")] int? WaiterCount,
    [property: JsonPropertyName("current_count")] int? CurrentCount,
    [property: JsonPropertyName("max_count")] int? MaxCount);

/// <summary>The values of <see cref="LockRow.Kind"/>.</summary>
public static class LockKinds
{
    public const string Monitor = "monitor";
    public const string Lock = "lock";
    public const string SemaphoreSlim = "semaphore-slim";
    public const string ReaderWriterLockSlim = "reader-writer-lock-slim";
}
