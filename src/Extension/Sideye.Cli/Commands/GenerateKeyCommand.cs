using System.CommandLine;
using Sideye.QueryServer.Security;

namespace Sideye.Cli.Commands;

/// <summary>`sideye generatekey`: a new API key for `sideye serve` (as dotnet-monitor's generatekey).</summary>
internal static class GenerateKeyCommand
{
    public static Command Create()
    {
        var command = new Command("generatekey",
            "Generate an API key for `sideye serve`: the server gets its hash (--api-key-hash, or SIDEYE_API_KEY_HASH), clients send the key as `Authorization: Bearer <key>`.");
        command.SetAction(_ =>
        {
            string key = ApiKeys.Generate();
            CliConsole.Progress("Give the server the hash; keep the key (it is shown once, and the server never stores or logs it):");
            Console.Out.WriteLine($"key:  {key}");
            Console.Out.WriteLine($"hash: {ApiKeys.Hash(key)}");
            Console.Out.WriteLine($"serve with:  sideye serve --urls http://0.0.0.0:5480 --api-key-hash {ApiKeys.Hash(key)}");
            Console.Out.WriteLine($"call with:   curl -H 'Authorization: Bearer {key}' http://<host>:5480/api/snapshots");
            return 0;
        });
        return command;
    }
}
