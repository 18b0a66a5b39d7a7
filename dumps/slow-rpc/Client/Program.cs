using System.Globalization;
using System.Runtime.InteropServices;
using Grpc.Net.Client;
using SlowRpc.Client;
using SlowRpc.Protos;

const string Usage = "usage: SlowRpc.Client --server http://127.0.0.1:PORT [--clients 100] [--slow-ms 1000] [--rate-file PATH]";
string? server = null;
int clients = 100;
int slowMs = 1000;
string? rateFile = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--server": server = args[++i]; break;
        case "--clients": clients = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--slow-ms": slowMs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--rate-file": rateFile = args[++i]; break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; {Usage}");
            return 2;
    }
}

if (server is null)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext ctx)
{
    ctx.Cancel = true; // let the loops finish instead of the runtime killing the process
    stop.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

// One channel for all logical clients. Kestrel allows 100 streams per HTTP/2 connection by default;
// extra connections keep 100 concurrent calls (plus the odd straggler) from queueing on that limit.
using var channel = GrpcChannel.ForAddress(server, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
});
var client = new SideEyeDemo.SideEyeDemoClient(channel);

// Opt-in: completed calls per 100 ms window, for scripts that check the load recovers after a snapshot.
if (rateFile is not null)
    RpcRate.StartWriter(rateFile);

var loops = new Task[clients];
for (int id = 0; id < clients; id++)
{
    int clientId = id;
    // Task.Run so each loop starts on the pool, not synchronously on this thread up to its first await.
    loops[id] = Task.Run(() => LogicalClient.RunClientAsync(client, clientId, TimeSpan.FromMilliseconds(slowMs), stop.Token));
}

Console.WriteLine($"READY {Environment.ProcessId}");
Console.Out.Flush();

await Task.WhenAll(loops);
return 0;
