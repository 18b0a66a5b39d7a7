using DuckDB.NET.Data;
using Sideye.QueryServer.Dialect;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Errors;
using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Specs;

/// <summary>
/// Checks a spec's SQL with DuckDB and no data, in a scratch catalog: empty snapshot tables, each function
/// table's source columns as an empty table, then every extra column, the function table views, and the
/// derived tables in order. The same rewrite and gates as for queries apply, so SQL that binds here runs
/// in every snapshot, and SQL that could smuggle in a second statement is refused here.
/// </summary>
public sealed class DuckDbSqlBinder(DuckDbEngine engine) : ISqlBinder
{
    public IReadOnlyList<SqlBindError> Bind(SpecSql sql) => engine.WithScratchCatalog(connection =>
    {
        var errors = new List<SqlBindError>();
        foreach (string statement in TableSchemas.CreateStatements())
            DuckDbEngine.Execute(connection, statement);
        foreach (FunctionTableSql table in sql.FunctionTables)
            BindFunctionTable(connection, table, errors);
        foreach (DerivedTableSql table in sql.DerivedTables)
        {
            (string? error, int? offset) = Try(table.Sql, () =>
            {
                SqlGate.Check(connection, JsonPathRewriter.Rewrite(table.Sql, labelAsWritten: true));
                DuckDbEngine.Execute(connection, SpecViewSql.DerivedTableView(table));
            });
            if (error is not null)
                errors.Add(new SqlBindError(table.Name, null, error, offset));
        }
        if (errors.Count == 0)
            DuckDbEngine.Execute(connection, SpecViewSql.AllCapturedDataView(sql));
        return errors;
    });

    private static void BindFunctionTable(DuckDBConnection connection, FunctionTableSql table, List<SqlBindError> errors)
    {
        string source = "__source_" + table.Table;
        IEnumerable<string> columns = table.EnumerateSourceColumns().Select(c => $"{SqlText.Identifier(c.Name)} {c.SqlType}");
        DuckDbEngine.Execute(connection, $"CREATE TABLE {SqlText.Identifier(source)} ({string.Join(", ", columns)})");
        var bound = new List<ExtraColumnSql>();
        foreach (ExtraColumnSql extra in table.ExtraColumns)
        {
            (string? error, int? offset) = Try(extra.Sql, () =>
            {
                SqlGate.CheckExpression(connection, JsonPathRewriter.Rewrite(extra.Sql));
                DuckDbEngine.Execute(connection,
                    $"SELECT {SpecViewSql.ExtraColumnExpression(extra)} AS {SqlText.Identifier(extra.Name)} FROM {SqlText.Identifier(source)} LIMIT 0");
            });
            if (error is null)
                bound.Add(extra);
            else
                errors.Add(new SqlBindError(table.Table, extra.Name, error, offset));
        }
        // The view with the extra columns that bound, so derived tables are checked against what will exist.
        DuckDbEngine.Execute(connection, SpecViewSql.FunctionTableView(table, $"SELECT * FROM {SqlText.Identifier(source)}", bound));
    }

    /// <summary>Runs a check of <paramref name="userSql"/>: null, or the message and, when DuckDB points at a word of the user's SQL, its offset.</summary>
    private static (string? Error, int? Offset) Try(string userSql, Action action)
    {
        try
        {
            action();
            return (null, null);
        }
        catch (QueryRejectedException e)
        {
            return (e.Message, null);
        }
        catch (DuckDBException e)
        {
            return (Clean(e.Message), SqlErrorPosition.Find(e.Message, userSql));
        }
    }

    /// <summary>
    /// DuckDB's message without its "Binder Error: " prefix and the "LINE n:" excerpt, which would point into
    /// the server's generated SQL rather than the user's.
    /// </summary>
    internal static string Clean(string message)
    {
        int excerpt = message.IndexOf("\n\nLINE ", StringComparison.Ordinal);
        string text = (excerpt >= 0 ? message[..excerpt] : message).Trim();
        int colon = text.IndexOf(" Error: ", StringComparison.Ordinal);
        return colon >= 0 && colon < 40 ? text[(colon + " Error: ".Length)..] : text;
    }
}
