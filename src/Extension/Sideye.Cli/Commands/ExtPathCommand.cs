using System.CommandLine;

namespace Sideye.Cli.Commands;

/// <summary>`sideye ext-path`: where the dotnet-dump extension DLL is, for DOTNET_DIAGNOSTIC_EXTENSIONS.</summary>
internal static class ExtPathCommand
{
    /// <summary>The extension is published next to the CLI, in ext/ (see the ./sideye launcher).</summary>
    public static string ExtensionPath => Path.Combine(AppContext.BaseDirectory, "ext", "Sideye.DotnetDump.dll");

    public static Command Create()
    {
        var command = new Command("ext-path",
            "Print the path of the dotnet-dump extension DLL. Use it as: DOTNET_DIAGNOSTIC_EXTENSIONS=$(./sideye ext-path) dotnet-dump analyze <core> -c \"sideye snap --out <DIR>\" -c exit");
        command.SetAction(_ =>
        {
            if (!File.Exists(ExtensionPath))
            {
                CliConsole.Error($"the extension is not built at {ExtensionPath}; run ./sideye from the repository root (it builds on first use).");
                return 1;
            }
            CliConsole.Result(ExtensionPath);
            return 0;
        });
        return command;
    }
}
