using System.Net.Sockets;
using RuntimeAsyncTarget;

// Parks five user async methods in framework awaits that never complete, prints READY <pid>, then sleeps.
var cancel = new CancellationTokenSource();
var gate = new SemaphoreSlim(0);
Task onSemaphore = Parked.WaitOnSemaphoreWithTokenAsync(gate, cancel.Token);
Task sleeping = Parked.SleepForeverAsync(cancel.Token);
(Socket listener, Socket client, Socket server) = Parked.LoopbackPair();
using var stream = new NetworkStream(client, ownsSocket: false);
Task<int> reading = Parked.ReadNeverAnsweredAsync(stream);
(Socket listener2, Socket client2, Socket server2) = Parked.LoopbackPair();
using var stream2 = new NetworkStream(client2, ownsSocket: false);
Task copying = Parked.CopyNeverAnsweredAsync(stream2);
var blockingSource = new BlockingSecondRead();
Task running = Parked.CopyIntoBlockingReadAsync(blockingSource);
if (!blockingSource.Blocking.Wait(TimeSpan.FromSeconds(30)))
    throw new InvalidOperationException("the blocking read never began");
// Give the socket read time to register with the event loop, so every chain is suspended when READY is printed.
Thread.Sleep(200);
Console.WriteLine($"READY {Environment.ProcessId}");
Thread.Sleep(Timeout.Infinite);
GC.KeepAlive(new object[] { onSemaphore, sleeping, reading, listener, server, gate, cancel, copying, listener2, server2, running });
