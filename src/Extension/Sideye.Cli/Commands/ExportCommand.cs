using System.CommandLine;
using Sideye.Snapshot;

namespace Sideye.Cli.Commands;

/// <summary>`sideye export`: a snapshot copied into a fleet folder (table first, Hive partitions) that Trino, Spark and `sideye serve` read.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var snapshot = new Argument<DirectoryInfo>("snapshot") { Description = "The snapshot folder (what `sideye snap` printed)." };
        var fleet = new Option<DirectoryInfo>("--fleet") { Description = "The fleet's root folder (a mounted bucket or a shared disk); created if missing.", Required = true };
        var partitions = new Option<string[]>("--partition")
        {
            Description = "A partition above the snapshot, outermost first, as key=value (--partition env=prod --partition host=web-1). snapshot_id is added last.",
        };
        var command = new Command("export",
            "Copy a snapshot into a fleet folder laid out table first in Hive partitions (<table>/env=.../host=.../snapshot_id=.../), which Trino, Spark, " +
            "Athena and DuckDB read as one table per Sideye table over every snapshot, and `sideye serve --snapshots <fleet>` serves (docs/scale.md). " +
            "Prints the snapshot's manifest folder in the fleet as the last line.")
        {
            snapshot, fleet, partitions,
        };
        command.SetAction(parse =>
        {
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (string partition in parse.GetValue(partitions) ?? [])
            {
                int equals = partition.IndexOf('=');
                if (equals <= 0)
                {
                    CliConsole.Error($"--partition '{partition}' is not key=value (e.g. --partition host=web-1).");
                    return 2;
                }
                pairs.Add(new(partition[..equals], partition[(equals + 1)..]));
            }
            string source = parse.GetValue(snapshot)!.FullName;
            if (!File.Exists(Path.Combine(source, SnapshotTables.ManifestFile)))
            {
                CliConsole.Error($"{source} is not a snapshot folder (it has no {SnapshotTables.ManifestFile}): give the folder `sideye snap` printed.");
                return 2;
            }
            try
            {
                CliConsole.Result(FleetLayout.Export(source, parse.GetValue(fleet)!.FullName, pairs));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
            {
                CliConsole.Error(e.Message);
                return 2;
            }
        });
        return command;
    }
}
