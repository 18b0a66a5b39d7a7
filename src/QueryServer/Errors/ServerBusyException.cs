namespace Sideye.QueryServer.Errors;

/// <summary>
/// DuckDB's memory limit, shared by every query of the server, stayed taken by other queries until this one's deadline:
/// HTTP 503 with Retry-After. Not the query's fault, so not a 400.
/// </summary>
public sealed class ServerBusyException(string detail, Exception? inner = null) : Exception(detail, inner);
