namespace Sideye.Cli.Commands;

/// <summary>
/// Where the CLI writes: progress, summaries and errors go to stderr so that the last stdout line stays
/// machine-readable (the new snapshot's directory, the extension's path).
/// </summary>
internal static class CliConsole
{
    public static void Progress(string message) => Console.Error.WriteLine(message);

    public static void Error(string message) => Console.Error.WriteLine("error: " + message);

    public static void Result(string line) => Console.Out.WriteLine(line);
}
