using System.Diagnostics;
using Grpc.Core;
using SlowRpc.Protos;

namespace SlowRpc.Server;

/// <summary>The gRPC handler. A call for a client whose lock the background processor holds waits for the whole hold.</summary>
public sealed class InfoService(ClientRegistry registry) : SideEyeDemo.SideEyeDemoBase
{
    public override async Task<GetInfoResponse> GetInfo(GetInfoRequest request, ServerCallContext context)
    {
        long started = Stopwatch.GetTimestamp();
        // `cs` is read after the first await, so it lives in the state machine (also in Release):
        // that is what lets a snapshot of this suspended call show which client it is stuck on.
        ClientState cs = registry.Get(request.ClientId);
        long numCalls;
        // Deliberately not cancellable, like Go's sync.Mutex.Lock in the original demo.
        await cs.Mu.Lock.WaitAsync();
        try
        {
            numCalls = ++cs.NumCalls;
            // Simulated work done while holding the client's lock: 10 ms on average. A fixed 10 ms kept the 100
            // handlers in step (their timers fire on one tick, the clients call again together), so a snapshot
            // taken just after a tick found only the few calls already back; jitter spreads them out.
            await Task.Delay(Random.Shared.Next(5, 16));
        }
        finally
        {
            cs.Mu.Lock.Release();
        }

        return new GetInfoResponse
        {
            Result = $"client {cs.ClientId}: call {numCalls}",
            ProcessingTime = (long)Stopwatch.GetElapsedTime(started).TotalNanoseconds,
        };
    }
}
