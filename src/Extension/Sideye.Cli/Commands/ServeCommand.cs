using System.CommandLine;
using Sideye.QueryServer;

namespace Sideye.Cli.Commands;

/// <summary>`sideye serve`: the query server (DuckDB + REST) over a directory of snapshots.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var snapshots = new Option<DirectoryInfo>("--snapshots")
        {
            Description = "Directory of snapshots to load; snapshots added later are picked up too.",
            DefaultValueFactory = _ => new DirectoryInfo(Sideye.Capture.Engine.CaptureRequest.DefaultOutDirectory),
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen (loopback by default).",
            DefaultValueFactory = _ => "http://127.0.0.1:5480",
        };
        var spec = new Option<FileInfo?>("--spec") { Description = "Spec file (YAML) whose function tables, extra columns, derived tables and links apply to every snapshot." };
        var allowCapture = new Option<bool>("--allow-capture")
        {
            Description = "Let clients of the API snapshot live processes of this machine (POST /api/snapshots): it pauses them and reads their memory with this server's rights, so it is off unless asked for.",
        };
        var keyHashes = new Option<string[]>("--api-key-hash")
        {
            Description = "Require `Authorization: Bearer <key>` on every request, for a key `sideye generatekey` made (its sha256:... hash; repeatable). Also read from SIDEYE_API_KEY_HASH. Required to listen beyond loopback.",
        };
        var noAuth = new Option<bool>("--no-auth")
        {
            Description = "Listen beyond loopback without API keys: anyone who can connect reads every captured value. Prints a warning.",
        };
        var sourceRoots = new Option<DirectoryInfo[]>("--source-root")
        {
            Description = "A folder whose files the stacks view may show as frames' source (repeatable). None by default: frames' file names come from the targets' PDBs.",
        };
        var command = new Command("serve", "Serve snapshots over REST (SQL queries, grouped stacks, flame graphs; OpenAPI at /swagger/v1/swagger.json).")
        {
            snapshots, urls, spec, allowCapture, keyHashes, noAuth, sourceRoots,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            DirectoryInfo dir = parse.GetValue(snapshots)!;
            if (!dir.Exists)
            {
                CliConsole.Error($"snapshot directory {dir.FullName} does not exist; create it or point --snapshots at the --out of `sideye snap`.");
                return 2;
            }
            var options = new QueryServerOptions(dir.FullName, parse.GetValue(urls)!, parse.GetValue(spec)?.FullName)
            {
                SnapshotTaker = parse.GetValue(allowCapture) ? new ServerSnapshotTaker() : null,
                ApiKeyHashes = [.. parse.GetValue(keyHashes) ?? [], .. KeyHashesFromEnvironment()],
                NoAuth = parse.GetValue(noAuth),
                SourceRoots = [.. (parse.GetValue(sourceRoots) ?? []).Select(d => d.FullName)],
            };
            if ((parse.GetValue(sourceRoots) ?? []).FirstOrDefault(d => !d.Exists) is DirectoryInfo missing)
            {
                CliConsole.Error($"--source-root {missing.FullName} does not exist; give a folder holding the services' sources.");
                return 2;
            }
            try
            {
                options.Validate();
                await QueryServerHost.RunAsync(options, cancellationToken);
            }
            catch (ArgumentException e)
            {
                CliConsole.Error(e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal));
                return 2;
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                CliConsole.Error($"cannot listen at {options.Urls}: the address is in use (another `sideye serve`?). Stop that server, or pick a free port with --urls http://127.0.0.1:<port>.");
                return 2;
            }
            return 0;
        });
        return command;
    }

    private static IEnumerable<string> KeyHashesFromEnvironment() =>
        (Environment.GetEnvironmentVariable("SIDEYE_API_KEY_HASH") ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
