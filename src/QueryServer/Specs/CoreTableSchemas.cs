using System.Reflection;
using System.Text.Json.Serialization;
using Sideye.QueryServer.Engine;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Specs;

/// <summary>
/// Empty tables shaped like a snapshot's own tables, derived from the row records that define the Parquet
/// schema, so spec SQL that joins <c>stacks</c> or <c>frames</c> binds without any snapshot at hand.
/// </summary>
internal static class CoreTableSchemas
{
    public static IReadOnlyList<string> CreateStatements() =>
    [
        Create(SnapshotTables.Processes, typeof(ProcessRow)),
        Create(SnapshotTables.Stacks, typeof(StackRow)),
        Create(SnapshotTables.Frames, typeof(FrameRow)),
        Create(SnapshotTables.CapturedValues, typeof(CapturedValueRow)),
    ];

    private static string Create(string table, Type row)
    {
        IEnumerable<string> columns = row.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name, Type: SqlType(p.PropertyType)))
            .Select(c => $"{SqlText.Identifier(c.Name)} {c.Type}");
        return $"CREATE TABLE {SqlText.Identifier(table)} ({string.Join(", ", columns)})";
    }

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
