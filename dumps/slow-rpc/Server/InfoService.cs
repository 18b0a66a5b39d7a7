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
            await Task.Delay(10); // simulated work done while holding the client's lock
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
