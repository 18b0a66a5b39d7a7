using System.Globalization;
using ManyFrames;

// ManyFrames [--frames N] [--threads N]: parks N suspended Worker.HandleAsync calls and N threads in
// Worker.Block, prints READY once all of them are parked, then sleeps until it is killed.
int frames = 5000;
int threads = 32;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--frames" when i + 1 < args.Length: frames = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--threads" when i + 1 < args.Length: threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: ManyFrames [--frames N] [--threads N]");
            return 2;
    }
}

string[] tenants = ["acme", "globex", "initech", "umbrella", "hooli"];
Request NewRequest(int id) =>
    new(id, $"/api/items/{id}", new Tenant(tenants[id % tenants.Length], id % 3), DateTime.UtcNow.Ticks);

for (int t = 0; t < threads; t++)
{
    int id = frames + t;
    new Thread(() => Worker.Block(id, NewRequest(id))) { Name = $"blocked-{t}", IsBackground = true }.Start();
}

// Each call runs synchronously up to its await on the never-released semaphore and returns its pending task:
// when the loop ends, all of them are suspended there.
var pending = new Task[frames];
for (int id = 0; id < frames; id++)
    pending[id] = Worker.HandleAsync(id, NewRequest(id));

while (true)
{
    lock (Worker.Lock)
    {
        if (Worker.Blocked == threads)
            break;
    }
    Thread.Sleep(10);
}

Console.WriteLine($"READY {Environment.ProcessId} frames={pending.Count(p => !p.IsCompleted)} threads={threads}");
Console.Out.Flush();
Thread.Sleep(Timeout.Infinite);
GC.KeepAlive(pending);
return 0;
