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
            DotnetDumpSetupCommand.Create(),
            GenerateKeyCommand.Create(),
            PsCommand.Create(),
            GenerateCommand.Create(),
            ExportCommand.Create(),
        };
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
            return ReportUsageError(parsed);
        return await parsed.InvokeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A command line that does not parse is a usage error: exit 2 (as `spec check` does for its own usage errors,
    /// and as getopt tools do), the errors on stderr, and where to read the options instead of all of them.
    /// </summary>
    private static int ReportUsageError(ParseResult parsed)
    {
        foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            Console.Error.WriteLine($"sideye: {error.Message}");
        var verbs = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? result = parsed.CommandResult; result is System.CommandLine.Parsing.CommandResult command && command.Parent is not null; result = command.Parent)
            verbs.Push(command.Command.Name);
        Console.Error.WriteLine($"Run `sideye {string.Join(' ', verbs.Append("--help"))}` for the options.");
        return 2;
    }
}
