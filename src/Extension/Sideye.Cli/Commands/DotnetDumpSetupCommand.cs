using System.CommandLine;

namespace Sideye.Cli.Commands;

/// <summary>
/// `sideye dotnet-dump-setup`: the line for a shell profile that makes every `dotnet-dump analyze` load the extension
/// (`sideye snap` / `!sideye snap` at its prompt).
/// </summary>
/// <remarks>
/// dotnet-dump finds extensions in two places (dotnet/diagnostics, ServiceManager.LoadExtensions, as shipped in
/// dotnet-dump 10.0.750501): the DOTNET_DIAGNOSTIC_EXTENSIONS variable, a list of DLL paths separated by ':' on
/// Linux, and every *.dll directly inside an `extensions` folder beside its own
/// Microsoft.Diagnostics.DebugServices.Implementation.dll, that is inside dotnet-dump's tool install
/// (~/.dotnet/tools/.store/dotnet-dump/&lt;version&gt;/dotnet-dump/&lt;version&gt;/tools/net8.0/any/extensions/).
/// We use only the variable: in that folder each of the ~30 DLLs our extension needs beside it would be loaded as an
/// extension of its own, and `dotnet tool update dotnet-dump` installs into a new folder without it.
/// </remarks>
internal static class DotnetDumpSetupCommand
{
    public static Command Create()
    {
        var command = new Command("dotnet-dump-setup",
            "Print the line to add to a shell profile (~/.bashrc) so that dotnet-dump loads the sideye extension: export DOTNET_DIAGNOSTIC_EXTENSIONS=...");
        command.SetAction(_ =>
        {
            int code = ExtPathCommand.PrintIfPresent($"export DOTNET_DIAGNOSTIC_EXTENSIONS={ShellQuote(ExtPathCommand.ExtensionPath)}");
            if (code == 0)
            {
                // The path names the installed version (a tool's files live under .store/sideye/<version>/), so an update
                // leaves the profile pointing at a folder that is gone.
                CliConsole.Progress("Add that line to your shell profile (sideye dotnet-dump-setup >> ~/.bashrc); after updating sideye, replace it: the path names the version.");
                CliConsole.Progress("The variable is a ':'-separated list: to keep other extensions, join their paths to this one with ':'.");
            }
            return code;
        });
        return command;
    }

    /// <summary>Single-quotes a path for sh unless it is plain (letters, digits, / . _ - + @), so the line stays readable.</summary>
    private static string ShellQuote(string path) =>
        path.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+@".Contains(c)) ? path : "'" + path.Replace("'", "'\\''") + "'";
}
