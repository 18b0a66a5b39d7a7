using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using SlowRpc.Server;

int port = 0;
int holdMs = 60_000;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--hold-ms": holdMs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: SlowRpc.Server [--port N] [--hold-ms N]");
            return 2;
    }
}

// Our own flags are parsed above and not passed on (the host would read them as configuration).
// No config reload: it would put an inotify FileSystemWatcher (and its thread) on the content root
// (by default the caller's cwd, possibly a whole repo) and add noise to every snapshot.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = ["--hostBuilder:reloadConfigOnChange=false"],
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(k =>
    // Loopback only, HTTP/2 without TLS (h2c): gRPC needs HTTP/2 and the demo needs no certificates.
    k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
// A handler can be parked on a client lock for the whole hold; don't make stop wait the default 30 s for it.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
builder.Services.AddGrpc();
builder.Services.AddSingleton<ClientRegistry>();

var app = builder.Build();
app.MapGrpcService<InfoService>();

new BackgroundProcessor(app.Services.GetRequiredService<ClientRegistry>(), TimeSpan.FromMilliseconds(holdMs)).Start();

await app.StartAsync();
// With port 0 Kestrel picks the port; the bound address is only known after start.
string address = app.Urls.First(); // IServerAddressesFeature, filled in by Kestrel on start
Console.WriteLine($"READY {Environment.ProcessId} http://127.0.0.1:{new Uri(address).Port}");
Console.Out.Flush();

await app.WaitForShutdownAsync();
return 0;
