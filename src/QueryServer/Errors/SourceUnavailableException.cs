namespace Sideye.QueryServer.Errors;

/// <summary>
/// A frame's source file is not shown: 403 when serving it was not allowed (no <c>--source-root</c> holds it), 404 when
/// no frame of the snapshot names it or it is not on this machine.
/// </summary>
public sealed class SourceUnavailableException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
