namespace Sideye.SpecCompiler;

/// <summary>
/// Checks the SQL of a spec without any data. Implemented by the query server with DuckDB: create each
/// function table empty with the columns of <see cref="FunctionTableSql.EnumerateSourceColumns"/>, bind every
/// extra column (<c>SELECT (sql) FROM table LIMIT 0</c>), then the function table views with their extra
/// columns, then each derived table in order (a derived table may use function tables and earlier derived
/// tables). Apply the same SQL rewriting the server applies to queries (SQLite-style <c>-&gt;'a.b'</c>
/// paths), so what binds here also runs there. Pass it to <see cref="SpecValidator.Validate"/>; it is only called on a spec without other errors.
/// </summary>
public interface ISqlBinder
{
    /// <summary>Every extra column and derived table whose SQL does not bind; empty when all do.</summary>
    IReadOnlyList<SqlBindError> Bind(SpecSql sql);
}
