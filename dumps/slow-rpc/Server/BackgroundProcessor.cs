using System.Runtime.CompilerServices;

namespace SlowRpc.Server;

/// <summary>
/// The bug being demonstrated: a background loop that takes each client's lock in turn and holds it
/// for a long time, so the one RPC that arrives for that client meanwhile is stuck behind it.
/// </summary>
public sealed class BackgroundProcessor(ClientRegistry registry, TimeSpan hold)
{
    private static readonly TimeSpan IdleRetry = TimeSpan.FromMilliseconds(100);

    public void Start()
    {
        // A dedicated, named thread (not a Task) so a snapshot shows it as its own stack,
        // parked in ProcessClient -> Thread.Sleep while the lock is held.
        var thread = new Thread(Run) { Name = "background-processor", IsBackground = true };
        thread.Start();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Run()
    {
        while (true)
        {
            ClientState[] clients = registry.SnapshotOrdered();
            if (clients.Length == 0)
            {
                Thread.Sleep(IdleRetry);
                continue;
            }

            foreach (ClientState cs in clients)
            {
                ProcessClient(cs);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ProcessClient(ClientState cs)
    {
        cs.Mu.Lock.Wait();
        try
        {
            cs.Mu.Processing = true;
            cs.Mu.LastBackgroundServiceStart = UnixNanos.Now();
            Thread.Sleep(hold); // the "expensive" work, done while holding the client's lock
        }
        finally
        {
            cs.Mu.Processing = false;
            cs.Mu.Lock.Release();
        }
    }
}
