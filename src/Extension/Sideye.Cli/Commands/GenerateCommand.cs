using System.CommandLine;
using Sideye.Snapshot.Synthetic;

namespace Sideye.Cli.Commands;

/// <summary>`sideye generate`: a large synthetic snapshot (and its spec) for scale tests and query-server benchmarks.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var stacks = new Option<int>("--stacks") { Description = "Stacks in the snapshot (few distinct shapes, repeated).", DefaultValueFactory = _ => 100_000 };
        var frames = new Option<int>("--frames") { Description = "Frames in all stacks together.", DefaultValueFactory = _ => 1_000_000 };
        var rows = new Option<int>("--captured-rows") { Description = $"Captured rows of {GeneratorOptions.Function} (a JSON request per row).", DefaultValueFactory = _ => 1_000_000 };
        var seed = new Option<int>("--seed") { Description = "The same seed and sizes give the same snapshot.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Directory that receives the snapshot (and sideye.yaml, the spec naming its table).", Required = true };
        var command = new Command("generate",
            "Write a large synthetic snapshot with a real service's shape through the snapshot writer, and the spec naming its table (sideye.yaml beside it), for scale tests and benchmarks of `sideye serve`. Prints the snapshot directory as the last line.")
        {
            stacks, frames, rows, seed, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new GeneratorOptions(parse.GetValue(stacks), parse.GetValue(frames), parse.GetValue(rows), parse.GetValue(seed));
            try
            {
                string folder = await SnapshotGenerator.GenerateAsync(options, parse.GetValue(output)!, CliConsole.Progress, cancellationToken);
                CliConsole.Result(folder);
                return 0;
            }
            catch (ArgumentException e)
            {
                CliConsole.Error($"{e.Message}: give --stacks > 0, --frames >= --stacks and --captured-rows >= 0.");
                return 2;
            }
        });
        return command;
    }
}
