namespace Sideye.QueryServer.Errors;

/// <summary>A user query ran past the server's deadline and was cancelled: HTTP 504.</summary>
public sealed class QueryTimeoutException(TimeSpan timeout)
    : Exception($"The query did not finish within {timeout.TotalSeconds:0.###} s and was cancelled.")
{
    public TimeSpan Timeout { get; } = timeout;
}
