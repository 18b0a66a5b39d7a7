namespace Sideye.Capture.Target;

/// <summary>
/// A walk read nothing of its target for <see cref="Idle"/> and was given up (<see cref="StallGuard"/>): the DAC loops
/// forever inside one call.
/// </summary>
/// <remarks>
/// Seen on .NET 11.0.0 (and the cause exists on 9 and 10): the runtime grows its type tables without a lock, moving
/// entries to a larger table while readers go on; a DAC lookup that meets an entry already moved starts again, which
/// ends once the mover has finished. In a frozen instant (a clone, a dump) the mover never finishes, and the lookup
/// restarts forever on memory it has cached, reading nothing more. Another instant, a moment later, is walkable.
/// </remarks>
internal sealed class WalkStalledException(TimeSpan idle) : Exception(
    $"the DAC did not return for {idle.TotalSeconds:0} s, reading nothing: the runtime was caught growing one of its type tables, which the DAC cannot read in a frozen instant")
{
    public TimeSpan Idle { get; } = idle;
}
