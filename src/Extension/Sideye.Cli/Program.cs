using System.CommandLine;
using Sideye.Cli.Commands;

namespace Sideye.Cli;

/// <summary>The `sideye` command line: each verb lives in its own file under Commands/.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand(
            "Sideye: snapshot debugger for .NET services. Snapshot live processes or core dumps (every thread " +
            "and every async logical stack), capture variables by name with a spec, and query snapshots with SQL.")
        {
            SnapCommand.Create(),
            ServeCommand.Create(),
            SpecCommand.Create(),
            ExtPathCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
    }
}
