using System.Text.Json;
using DuckDB.NET.Data;
using Sideye.QueryServer.Errors;

namespace Sideye.QueryServer.Engine;

/// <summary>
/// Lets through exactly one SELECT statement. DuckDB.NET executes every statement of a command text
/// (<c>SELECT 1; DROP TABLE t</c> would drop), so the SQL is parsed first, without running it, by DuckDB's own
/// parser through <c>json_serialize_sql</c>, which serializes SELECT statements only and refuses the rest.
/// </summary>
internal static class SqlGate
{
    public const string OnlySelectMessage =
        "Only a single SELECT statement is accepted (WITH ... SELECT, VALUES and FROM-first queries count as SELECT); "
        + "COPY, ATTACH, SET, PRAGMA, EXPLAIN, DDL and DML statements are refused.";

    public static void Check(DuckDBConnection connection, string sql)
    {
        using JsonDocument document = Parse(connection, sql);
        CheckSingleSelect(document.RootElement);
    }

    /// <summary>
    /// Lets through exactly one expression (an extra column's SQL), which the server splices into a view as
    /// <c>SELECT (expr) AS name FROM ...</c>: it must parse as a lone SELECT of one item with nothing else, so
    /// no text can close the parenthesis and add clauses or statements.
    /// </summary>
    public static void CheckExpression(DuckDBConnection connection, string expression)
    {
        using JsonDocument document = Parse(connection, "SELECT (\n" + expression + "\n)");
        JsonElement root = document.RootElement;
        CheckSingleSelect(root);
        JsonElement node = root.GetProperty("statements")[0].GetProperty("node");
        bool plain = node.GetProperty("type").GetString() == "SELECT_NODE"
            && node.GetProperty("select_list").GetArrayLength() == 1
            && node.GetProperty("from_table").GetProperty("type").GetString() == "EMPTY"
            && node.GetProperty("where_clause").ValueKind == JsonValueKind.Null
            && node.GetProperty("having").ValueKind == JsonValueKind.Null
            && node.GetProperty("qualify").ValueKind == JsonValueKind.Null
            && node.GetProperty("group_expressions").GetArrayLength() == 0
            && node.GetProperty("modifiers").GetArrayLength() == 0
            && node.GetProperty("cte_map").GetProperty("map").GetArrayLength() == 0;
        if (!plain)
            throw new QueryRejectedException("Invalid SQL", "An extra column's SQL must be one expression, without clauses of its own.");
    }

    private static JsonDocument Parse(DuckDBConnection connection, string sql)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = "SELECT json_serialize_sql(CAST($1 AS VARCHAR))";
        command.Parameters.Add(new DuckDBParameter(sql));
        string json = command.ExecuteScalar() as string
            ?? throw new InvalidOperationException("json_serialize_sql returned no text.");
        return JsonDocument.Parse(json);
    }

    private static void CheckSingleSelect(JsonElement root)
    {
        if (root.TryGetProperty("error", out JsonElement error) && error.GetBoolean())
        {
            string type = root.TryGetProperty("error_type", out JsonElement t) ? t.GetString() ?? "" : "";
            string message = root.TryGetProperty("error_message", out JsonElement m) ? m.GetString() ?? "" : "";
            if (type == "parser")
                throw new QueryRejectedException("Invalid SQL", "Parser Error: " + message);
            throw new QueryRejectedException("Statement not allowed", OnlySelectMessage);
        }
        int count = root.GetProperty("statements").GetArrayLength();
        if (count == 0)
            throw new QueryRejectedException("Invalid SQL", "The SQL holds no statement.");
        if (count > 1)
            throw new QueryRejectedException("Statement not allowed", $"Exactly one statement is accepted; this SQL holds {count}.");
    }
}
