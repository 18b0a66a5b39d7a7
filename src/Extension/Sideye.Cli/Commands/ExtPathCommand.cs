using System.CommandLine;

namespace Sideye.Cli.Commands;

/// <summary>`sideye ext-path`: where the dotnet-dump extension DLL is, for DOTNET_DIAGNOSTIC_EXTENSIONS.</summary>
internal static class ExtPathCommand
{
    /// <summary>
    /// The extension sits in ext/ beside the CLI in both layouts: the ./sideye launcher publishes it to .build/cli/ext/,
    /// and the tool package carries it as tools/net10.0/linux-x64/ext/ (Sideye.Cli.csproj, PackDotnetDumpExtension).
    /// A folder of its own: dotnet-dump resolves an extension's dependencies from beside it, and the extension targets
    /// net8.0 (dotnet-dump may run on .NET 8) while the CLI's copies of the same libraries are net10.0 builds.
    /// </summary>
    public static string ExtensionPath => Path.Combine(AppContext.BaseDirectory, "ext", "Sideye.DotnetDump.dll");

    public static Command Create()
    {
        var command = new Command("ext-path",
            "Print the path of the dotnet-dump extension DLL. Use it as: DOTNET_DIAGNOSTIC_EXTENSIONS=$(sideye ext-path) dotnet-dump analyze <core> -c \"sideye snap --out <DIR>\" -c exit (or see `sideye dotnet-dump-setup`)");
        command.SetAction(_ => PrintIfPresent(ExtensionPath));
        return command;
    }

    /// <summary>Prints <paramref name="line"/> (exit 0) when the extension is there; otherwise says how to get it (exit 2).</summary>
    internal static int PrintIfPresent(string line)
    {
        if (!File.Exists(ExtensionPath))
        {
            CliConsole.Error($"the dotnet-dump extension is not at {ExtensionPath}; in a source tree run ./sideye from the repository root " +
                "(it builds the extension on first use), or reinstall the tool (dotnet tool install --global sideye --add-source <folder with the packages>).");
            return 2;
        }
        CliConsole.Result(line);
        return 0;
    }
}
