namespace Sideye.Capture.Target;

/// <summary>A target reader that counts the reads asked of it: a walk's sign of life (<see cref="StallGuard"/>).</summary>
internal interface IReadCount
{
    long Reads { get; }
}
