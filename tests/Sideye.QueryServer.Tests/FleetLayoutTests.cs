using System.Text.Json;
using DuckDB.NET.Data;
using Sideye.QueryServer.Tests.Fixtures;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Tests;

/// <summary>
/// Snapshots of two hosts exported into one fleet folder (table first, Hive partitions): an engine that knows nothing of
/// Sideye reads each table over all of them with the partitions as columns (DuckDB's plain <c>read_parquet</c> with
/// <c>hive_partitioning</c>, as Spark and Trino's Hive connector read the same folders), and <c>sideye serve</c> serves
/// the fleet folder like a snapshots folder.
/// </summary>
public sealed class FleetLayoutTests : IDisposable
{
    private const string WebA = "20250101-120000-hosta1";
    private const string WebB = "20250101-120500-hostb2";
    private readonly TempDirectory _directory = new();

    private string Fleet => Path.Combine(_directory.Path, "fleet");

    private async Task ExportTwoHostsAsync()
    {
        string local = Path.Combine(_directory.Path, "local");
        string a = await SlowRpcSnapshot.WriteAsync(local, WebA, new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        string b = await SlowRpcSnapshot.WriteAsync(local, WebB, new DateTimeOffset(2025, 1, 1, 12, 5, 0, TimeSpan.Zero));
        FleetLayout.Export(a, Fleet, [new("env", "prod"), new("host", "web-a")]);
        FleetLayout.Export(b, Fleet, [new("env", "prod"), new("host", "web-b")]);
    }

    [Fact]
    public async Task A_partition_aware_engine_reads_every_table_over_the_fleet_with_the_partitions_as_columns()
    {
        await ExportTwoHostsAsync();
        int stacksPerSnapshot = SlowRpcSnapshot.Data().Stacks.Count;

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT env, host, snapshot_id, count(*) FROM read_parquet('{Path.Combine(Fleet, "stacks", "**", "*.parquet")}', hive_partitioning = true)
            GROUP BY ALL ORDER BY host
            """;
        var rows = new List<string>();
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                rows.Add($"{reader.GetString(0)}/{reader.GetString(1)}/{reader.GetString(2)}/{reader.GetInt64(3)}");

        Assert.Equal([$"prod/web-a/{WebA}/{stacksPerSnapshot}", $"prod/web-b/{WebB}/{stacksPerSnapshot}"], rows);
        // The manifests are out of every table's folder: a table is its Parquet files only.
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(Fleet, "stacks"), "*.json", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task The_query_server_serves_a_fleet_folder_and_compares_its_snapshots()
    {
        await ExportTwoHostsAsync();
        await using RunningServer server = await RunningServer.StartAsync(Fleet);

        JsonElement list = await server.GetJsonAsync("/api/snapshots");
        Assert.Equal([WebB, WebA], list.EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        JsonElement rows = await server.RowsAsync(WebA, $"SELECT count(*) FROM frames WHERE method = '{SlowRpcSnapshot.ProcessClient}'");
        Assert.Equal(1, rows[0][0].GetInt32());
        JsonElement groups = await server.GetJsonAsync($"/api/snapshots/{WebB}/stacks?pid=1002");
        Assert.Equal(101, groups.EnumerateArray().Sum(g => g.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task A_snapshot_is_exported_once_and_partitions_are_plain_names()
    {
        string local = Path.Combine(_directory.Path, "local");
        string a = await SlowRpcSnapshot.WriteAsync(local, WebA, new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        FleetLayout.Export(a, Fleet, [new("host", "web-a")]);

        Assert.Throws<IOException>(() => FleetLayout.Export(a, Fleet, [new("host", "web-a")]));
        Assert.Contains("letters, digits", Assert.Throws<ArgumentException>(() => FleetLayout.Export(a, Fleet, [new("host", "../etc")])).Message);
        Assert.Contains("added by the export", Assert.Throws<ArgumentException>(() => FleetLayout.Export(a, Fleet, [new("snapshot_id", "x")])).Message);
    }

    public void Dispose() => _directory.Dispose();
}
