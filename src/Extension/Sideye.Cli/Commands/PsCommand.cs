using System.CommandLine;
using Sideye.Capture.Target;

namespace Sideye.Cli.Commands;

/// <summary>`sideye ps`: this machine's .NET processes, as `dotnet-dump ps` lists them.</summary>
internal static class PsCommand
{
    public static Command Create()
    {
        var command = new Command("ps", "List this machine's .NET processes (pid, name, runtime version, command line): what `snap --pid` or `snap --name` takes.");
        command.SetAction(_ =>
        {
            IReadOnlyList<DotnetProcess> processes = ProcessDiscovery.List();
            if (processes.Count == 0)
            {
                CliConsole.Progress("no .NET process found (none running, or none this user may see: run as the processes' user or root).");
                return 0;
            }
            int nameWidth = Math.Max(4, processes.Max(p => p.Name.Length));
            Console.Out.WriteLine($"{"PID",8}  {"NAME".PadRight(nameWidth)}  {"RUNTIME",-10}  COMMAND LINE");
            foreach (DotnetProcess p in processes)
                Console.Out.WriteLine($"{p.Pid,8}  {p.Name.PadRight(nameWidth)}  {p.RuntimeVersion ?? "?",-10}  {p.CommandLine}");
            return 0;
        });
        return command;
    }
}
