namespace Sideye.QueryServer.Errors;

/// <summary>
/// The user's SQL was refused or failed in DuckDB (syntax, binding, a blocked file access, more than one
/// statement): HTTP 400 with <see cref="Exception.Message"/> (DuckDB's own message where there is one) as detail.
/// </summary>
public sealed class QueryRejectedException(string title, string detail, Exception? inner = null)
    : Exception(detail, inner)
{
    public string Title { get; } = title;
}
