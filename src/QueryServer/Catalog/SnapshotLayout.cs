using Sideye.QueryServer.Engine;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Catalog;

/// <summary>Finds the Parquet data of each table in a snapshot directory.</summary>
internal static class SnapshotLayout
{
    /// <summary>
    /// The snapshots under the server's folder: each sub-folder (but hidden ones, being written), and, when the folder
    /// holds a fleet (<see cref="FleetLayout"/>), each snapshot named by a manifest under <c>_snapshots</c>.
    /// </summary>
    public static IEnumerable<(string Id, string Directory)> Snapshots(string root)
    {
        bool fleet = FleetLayout.IsFleet(root);
        foreach (string directory in Directory.EnumerateDirectories(root))
        {
            string name = Path.GetFileName(directory);
            if (name.StartsWith('.') || fleet && (name == FleetLayout.ManifestsFolder || SnapshotTables.RowTypes.ContainsKey(name)))
                continue;
            yield return (name, directory);
        }
        foreach ((string id, string manifestDirectory) in FleetLayout.Snapshots(root))
            yield return (id, manifestDirectory);
    }

    /// <summary>The tables of the snapshot in <paramref name="directory"/>: a snapshot folder, or a fleet snapshot's manifest folder.</summary>
    public static IReadOnlyList<TableSource> Find(string root, string directory)
    {
        string manifests = Path.Combine(root, FleetLayout.ManifestsFolder) + Path.DirectorySeparatorChar;
        if (!directory.StartsWith(manifests, StringComparison.Ordinal))
            return Find(directory);
        var sources = new List<TableSource>();
        foreach (string table in SnapshotTables.All)
        {
            if (FleetLayout.TableFile(root, directory, table) is string file)
                sources.Add(new TableSource(table, file, IsDirectory: false));
            else if (SnapshotTables.Core.Contains(table))
                throw new InvalidDataException($"The fleet has no data for table '{table}' of this snapshot (under {Path.Combine(root, table)}).");
        }
        return sources;
    }

    /// <summary>
    /// One source per table of <see cref="SnapshotTables.All"/> present: <c>&lt;table&gt;.parquet</c> as
    /// <see cref="SnapshotWriter"/> writes it, or a <c>&lt;table&gt;/</c> folder of Parquet files (Hive layout),
    /// which other writers may use. Throws <see cref="InvalidDataException"/> naming a missing core table; a
    /// missing built-in table (a snapshot older than it) reads as empty.
    /// </summary>
    public static IReadOnlyList<TableSource> Find(string directory)
    {
        var sources = new List<TableSource>();
        foreach (string table in SnapshotTables.All)
        {
            string file = Path.Combine(directory, SnapshotTables.FileName(table));
            string folder = Path.Combine(directory, table);
            if (File.Exists(file))
                sources.Add(new TableSource(table, file, IsDirectory: false));
            else if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Any())
                sources.Add(new TableSource(table, folder, IsDirectory: true));
            else if (SnapshotTables.Core.Contains(table))
                throw new InvalidDataException($"The snapshot has no data for table '{table}' ({SnapshotTables.FileName(table)}).");
        }
        return sources;
    }

    /// <summary>
    /// A fingerprint of the directory's contents (latest write time of it and its files), so a directory
    /// that failed to load is retried only once it changed, and warned about once per change.
    /// </summary>
    public static DateTime Stamp(string directory)
    {
        DateTime stamp = Directory.GetLastWriteTimeUtc(directory);
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            DateTime t = File.GetLastWriteTimeUtc(file);
            if (t > stamp) stamp = t;
        }
        return stamp;
    }
}
