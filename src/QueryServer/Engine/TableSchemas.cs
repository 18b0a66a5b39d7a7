using System.Reflection;
using System.Text.Json.Serialization;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Engine;

/// <summary>
/// The shape of a snapshot's own tables, derived from the row records that define the Parquet schema: empty
/// tables so spec SQL that joins <c>stacks</c> or <c>frames</c> binds without any snapshot at hand, and the
/// typed empty row set a snapshot's view starts from, so a snapshot written before a column or a built-in
/// table existed reads it as NULLs or as an empty table.
/// </summary>
internal static class TableSchemas
{
    public static IReadOnlyList<string> CreateStatements() =>
        [.. SnapshotTables.All.Select(t => $"CREATE TABLE {SqlText.Identifier(t)} ({string.Join(", ", Columns(t).Select(c => $"{SqlText.Identifier(c.Name)} {c.Type}"))})")];

    /// <summary>A query with the table's columns and types and no rows.</summary>
    public static string EmptySelect(string table) =>
        $"SELECT {string.Join(", ", Columns(table).Select(c => $"CAST(NULL AS {c.Type}) AS {SqlText.Identifier(c.Name)}"))} WHERE false";

    /// <summary>A table's columns and their DuckDB types, from its row record.</summary>
    public static IEnumerable<(string Name, string Type)> Columns(string table) =>
        SnapshotTables.RowTypes[table].GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
            .Select(p => (p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, SqlType(p.PropertyType)));

    // The types Parquet.Net writes for these CLR types, as DuckDB reads them back.
    private static string SqlType(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        Type t when t == typeof(long) => "BIGINT",
        Type t when t == typeof(int) => "INTEGER",
        Type t when t == typeof(double) => "DOUBLE",
        Type t when t == typeof(bool) => "BOOLEAN",
        Type t when t == typeof(DateTime) || t == typeof(DateTimeOffset) => "TIMESTAMP",
        _ => "VARCHAR",
    };
}
