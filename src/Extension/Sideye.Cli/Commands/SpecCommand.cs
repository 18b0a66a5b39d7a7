using System.CommandLine;

namespace Sideye.Cli.Commands;

/// <summary>`sideye spec check|vars`: validate a spec, list a method's variables. Each verb has its own file.</summary>
internal static class SpecCommand
{
    public static Command Create()
    {
        var command = new Command("spec", "Work with spec files: `spec check <file> [--pid P | --dump core]`, `spec vars <Namespace.Type.Method> --pid P|--dump core`.");
        command.Subcommands.Add(SpecCheckCommand.Create());
        command.Subcommands.Add(SpecVarsCommand.Create());
        return command;
    }
}
