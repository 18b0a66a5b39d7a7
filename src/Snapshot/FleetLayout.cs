using System.Text.RegularExpressions;

namespace Sideye.Snapshot;

/// <summary>
/// Snapshots of many hosts in one folder (or bucket) laid out table first, in Hive partitions, so that an engine that
/// reads partitioned Parquet (Trino's Hive connector, Spark, DuckDB, Athena) sees one table per Sideye table over every
/// snapshot, unchanged:
/// <code>
/// &lt;root&gt;/stacks/env=prod/host=web-1/snapshot_id=20261206-030405-a1b2c3/stacks.parquet
/// &lt;root&gt;/frames/env=prod/host=web-1/snapshot_id=20261206-030405-a1b2c3/frames.parquet
/// &lt;root&gt;/_snapshots/env=prod/host=web-1/snapshot_id=20261206-030405-a1b2c3/snapshot.json
/// </code>
/// The manifests sit under <c>_snapshots</c>: engines skip names starting with '_' when they list a table's files,
/// and the query server finds a fleet's snapshots by them. docs/scale.md has the engines' DDL.
/// </summary>
public static partial class FleetLayout
{
    /// <summary>The folder of the snapshots' manifests, beside the tables' folders.</summary>
    public const string ManifestsFolder = "_snapshots";

    /// <summary>The last partition key: the snapshot's id, which is unique across hosts (time and a random part).</summary>
    public const string SnapshotKey = "snapshot_id";

    /// <summary>Whether <paramref name="root"/> holds a fleet layout (its manifests folder).</summary>
    public static bool IsFleet(string root) => Directory.Exists(Path.Combine(root, ManifestsFolder));

    /// <summary>The snapshots of a fleet: each one's id and the folder of its manifest.</summary>
    public static IEnumerable<(string Id, string ManifestDirectory)> Snapshots(string root)
    {
        string manifests = Path.Combine(root, ManifestsFolder);
        if (!Directory.Exists(manifests))
            yield break;
        foreach (string directory in Directory.EnumerateDirectories(manifests, SnapshotKey + "=*", SearchOption.AllDirectories))
        {
            if (File.Exists(Path.Combine(directory, SnapshotTables.ManifestFile)))
                yield return (Path.GetFileName(directory)[(SnapshotKey.Length + 1)..], directory);
        }
    }

    /// <summary>
    /// The Parquet file of each table of the fleet snapshot whose manifest is in <paramref name="manifestDirectory"/>
    /// (the same partition path under the table's folder), or null for a table it lacks.
    /// </summary>
    public static string? TableFile(string root, string manifestDirectory, string table)
    {
        string partition = Path.GetRelativePath(Path.Combine(root, ManifestsFolder), manifestDirectory);
        string file = Path.Combine(root, table, partition, SnapshotTables.FileName(table));
        return File.Exists(file) ? file : null;
    }

    /// <summary>
    /// Copies a snapshot folder into a fleet under <paramref name="partitions"/> (outermost first, e.g. env=prod, host=web-1;
    /// <c>snapshot_id</c> is added last) and returns the manifest's new folder. The manifest is copied last, so a server
    /// watching the fleet never loads a snapshot whose tables are still being copied.
    /// </summary>
    public static string Export(string snapshotDirectory, string root, IReadOnlyList<KeyValuePair<string, string>> partitions)
    {
        SnapshotManifest manifest = SnapshotWriter.ReadManifest(snapshotDirectory);
        foreach ((string key, string value) in partitions)
        {
            if (!PartitionPart().IsMatch(key) || !PartitionPart().IsMatch(value))
                throw new ArgumentException($"partition '{key}={value}': keys and values are letters, digits, '-', '_' and '.' (they become folder names every engine parses the same way).");
            if (key == SnapshotKey)
                throw new ArgumentException($"'{SnapshotKey}' is added by the export (the snapshot's id); name the other partitions only.");
        }
        string partition = Path.Combine([.. partitions.Select(p => $"{p.Key}={p.Value}"), $"{SnapshotKey}={manifest.Id}"]);
        string manifestDirectory = Path.Combine(root, ManifestsFolder, partition);
        if (File.Exists(Path.Combine(manifestDirectory, SnapshotTables.ManifestFile)))
            throw new IOException($"snapshot {manifest.Id} is already in the fleet at {manifestDirectory}.");
        foreach (string table in SnapshotTables.All)
        {
            string source = Path.Combine(snapshotDirectory, SnapshotTables.FileName(table));
            if (!File.Exists(source))
                continue; // a snapshot older than the table: the server reads it as empty
            string target = Path.Combine(root, table, partition);
            Directory.CreateDirectory(target);
            File.Copy(source, Path.Combine(target, SnapshotTables.FileName(table)), overwrite: true);
        }
        Directory.CreateDirectory(manifestDirectory);
        File.Copy(Path.Combine(snapshotDirectory, SnapshotTables.ManifestFile), Path.Combine(manifestDirectory, SnapshotTables.ManifestFile));
        return manifestDirectory;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex PartitionPart();
}
