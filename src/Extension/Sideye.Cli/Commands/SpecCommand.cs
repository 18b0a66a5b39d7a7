using System.CommandLine;

namespace Sideye.Cli.Commands;

/// <summary>`sideye spec check|vars`: validate a spec, list a method's variables.</summary>
internal static class SpecCommand
{
    public static Command Create()
    {
        var command = new Command("spec", "Work with spec files: `spec check <file> [--pid P | --dump core]`, `spec vars <Namespace.Type.Method> --pid P|--dump core`.");
        var check = new Command("check", "Validate a spec file; with a target, also check functions and variables exist.");
        var file = new Argument<FileInfo>("file") { Description = "The spec file (YAML)." };
        check.Arguments.Add(file);
        check.SetAction(parse =>
        {
            CliConsole.Error("spec check is not available in this build yet.");
            return 1;
        });
        command.Subcommands.Add(check);
        return command;
    }
}
