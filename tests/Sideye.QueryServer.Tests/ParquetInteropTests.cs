using System.Reflection;
using System.Text.Json.Serialization;
using ParquetSharp;
using Sideye.QueryServer.Tests.Fixtures;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Tests;

/// <summary>
/// A snapshot's Parquet files read by a second, independent implementation: ParquetSharp, which wraps Apache's
/// parquet-cpp (the writer is Parquet.Net, the server reads with DuckDB). Every table holds rows with every column
/// set and with every nullable column null; each column's name, physical and logical type, nullability and values
/// must be what the row records say. So Spark, Trino, pyarrow or Polars read the same files unchanged.
/// </summary>
public sealed class ParquetInteropTests : IDisposable
{
    private const int Rows = 3; // row 0 has every nullable value null; rows 1 and 2 have them all set
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Every_column_of_every_table_reads_the_same_in_parquet_cpp()
    {
        Dictionary<string, Array> written = SnapshotTables.RowTypes.ToDictionary(t => t.Key, t => MakeRows(t.Value));
        string snapshot = await SnapshotWriter.WriteAsync(_directory.Path, Manifest(), Data(written));

        int checkedColumns = 0;
        foreach ((string table, Type rowType) in SnapshotTables.RowTypes)
        {
            PropertyInfo[] properties = Columns(rowType);
            using var file = new ParquetFileReader(Path.Combine(snapshot, SnapshotTables.FileName(table)));
            SchemaDescriptor schema = file.FileMetaData.Schema;
            Assert.Equal(properties.Select(ColumnName), Enumerable.Range(0, schema.NumColumns).Select(i => schema.Column(i).Name));
            Assert.Equal(Rows, file.FileMetaData.NumRows);
            Assert.Equal(1, file.FileMetaData.NumRowGroups);
            using RowGroupReader group = file.RowGroup(0);
            for (int c = 0; c < properties.Length; c++)
            {
                PropertyInfo property = properties[c];
                string where = $"{table}.{ColumnName(property)}";
                ColumnDescriptor column = schema.Column(c);
                Type clr = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                Assert.True(ExpectedPhysical(clr) == column.PhysicalType, $"{where}: {column.PhysicalType}, expected {ExpectedPhysical(clr)}");
                AssertLogicalType(where, clr, column.LogicalType);
                // Value types that cannot be null are REQUIRED; nullable ones and strings are OPTIONAL.
                bool optional = clr == typeof(string) || Nullable.GetUnderlyingType(property.PropertyType) is not null;
                Assert.True((optional ? 1 : 0) == column.MaxDefinitionLevel, $"{where}: max definition level {column.MaxDefinitionLevel}");

                object?[] expected = [.. written[table].Cast<object>().Select(property.GetValue)];
                object?[] actual = ReadColumn(group, c, property.PropertyType);
                Assert.True(expected.SequenceEqual(actual), $"{where}: [{string.Join(", ", actual)}], expected [{string.Join(", ", expected)}]");
                checkedColumns++;
            }
        }
        // Every column of every table was read (a table or a column left out fails here).
        Assert.Equal(SnapshotTables.RowTypes.Values.Sum(t => Columns(t).Length), checkedColumns);
        Assert.True(checkedColumns > 100, $"only {checkedColumns} columns");
    }

    private static object?[] ReadColumn(RowGroupReader group, int column, Type type)
    {
        MethodInfo read = typeof(ParquetInteropTests).GetMethod(nameof(ReadAll), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
        return (object?[])read.Invoke(null, [group, column])!;
    }

    private static object?[] ReadAll<T>(RowGroupReader group, int column)
    {
        using LogicalColumnReader<T> reader = group.Column(column).LogicalReader<T>();
        return [.. reader.ReadAll(Rows).Select(v => (object?)v)];
    }

    private static PhysicalType ExpectedPhysical(Type clr) =>
        clr == typeof(long) ? PhysicalType.Int64
        : clr == typeof(int) ? PhysicalType.Int32
        : clr == typeof(double) ? PhysicalType.Double
        : clr == typeof(bool) ? PhysicalType.Boolean
        : clr == typeof(string) ? PhysicalType.ByteArray
        : clr == typeof(DateTime) ? PhysicalType.Int64
        : throw new InvalidOperationException($"a row property of type {clr}: add it to this test");

    private static void AssertLogicalType(string where, Type clr, LogicalType logical)
    {
        if (clr == typeof(string))
            Assert.True(logical is StringLogicalType, $"{where}: {logical}, expected a UTF-8 string");
        else if (clr == typeof(DateTime))
            // Microseconds, not INT96; UTC values that say "not adjusted" so engines read them as they are (UtcTimestampAttribute).
            Assert.True(logical is TimestampLogicalType { IsAdjustedToUtc: false, TimeUnit: TimeUnit.Micros }, $"{where}: {logical}, expected TIMESTAMP(MICROS)");
        else if (clr == typeof(int) || clr == typeof(long))
            Assert.True(logical is NoneLogicalType or IntLogicalType { IsSigned: true }, $"{where}: {logical}, expected a signed integer");
    }

    private static PropertyInfo[] Columns(Type rowType) =>
        [.. rowType.GetProperties().Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)];

    private static string ColumnName(PropertyInfo p) => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name;

    /// <summary>Rows of a record built through its constructor: row 0 with nulls wherever allowed, the others with distinct values.</summary>
    private static Array MakeRows(Type rowType)
    {
        ConstructorInfo constructor = rowType.GetConstructors().Single();
        Array rows = Array.CreateInstance(rowType, Rows);
        for (int r = 0; r < Rows; r++)
            rows.SetValue(constructor.Invoke([.. constructor.GetParameters().Select((p, i) => Value(p.ParameterType, r, i))]), r);
        return rows;
    }

    private static object? Value(Type type, int row, int position)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        if (row == 0 && (underlying is not null || type == typeof(string)))
            return null;
        Type t = underlying ?? type;
        int n = row * 100 + position;
        return t == typeof(long) ? (object)(long.MaxValue - n)
            : t == typeof(int) ? -n - 1
            : t == typeof(double) ? n + 0.25
            : t == typeof(bool) ? row % 2 == 1
            : t == typeof(string) ? $"{{\"v\":\"é{n}\"}}"
            : t == typeof(DateTime) ? new DateTime(2026, 12, 6, 3, 4, 5, DateTimeKind.Utc).AddTicks(n * 10)
            : throw new InvalidOperationException($"a row property of type {t}: add it to this test");
    }

    private static SnapshotData Data(Dictionary<string, Array> rows)
    {
        T[] Of<T>(string table) => (T[])rows[table];
        return new SnapshotData(Of<ProcessRow>(SnapshotTables.Processes), Of<StackRow>(SnapshotTables.Stacks), Of<FrameRow>(SnapshotTables.Frames),
            Of<CapturedValueRow>(SnapshotTables.CapturedValues))
        {
            BuiltIns = new BuiltInTables(Of<StackLinkRow>(SnapshotTables.StackLinks), Of<GrpcClientCallRow>(SnapshotTables.GrpcClientCalls),
                Of<GrpcServerCallRow>(SnapshotTables.GrpcServerCalls), Of<HttpServerRequestRow>(SnapshotTables.HttpServerRequests),
                Of<LockRow>(SnapshotTables.Locks), Of<LockWaiterRow>(SnapshotTables.LockWaiters), Of<DeadlockRow>(SnapshotTables.Deadlocks)),
            MethodVariables = Of<MethodVariableRow>(SnapshotTables.MethodVariables),
        };
    }

    private static SnapshotManifest Manifest() =>
        SlowRpcSnapshot.Manifest("20261206-030405-interop", new DateTimeOffset(2026, 12, 6, 3, 4, 5, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();
}
