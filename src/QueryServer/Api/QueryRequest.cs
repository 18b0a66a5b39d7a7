namespace Sideye.QueryServer.Api;

/// <summary>The body of <c>POST /api/snapshots/{id}/query</c>.</summary>
/// <param name="Sql">One SELECT statement; SQLite-style JSON paths (<c>cs-&gt;'a.b'</c>) are accepted.</param>
public sealed record QueryRequest(string Sql);
