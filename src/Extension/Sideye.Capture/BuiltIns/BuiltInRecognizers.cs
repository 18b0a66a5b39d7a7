using Sideye.SpecCompiler;

namespace Sideye.Capture.BuiltIns;

/// <summary>
/// Every built-in recognizer, in the order they run: the most specific first, as the first wait time set for a
/// stack wins (a gRPC call's start says more than the timer under it).
/// </summary>
internal static class BuiltInRecognizers
{
    private static readonly IReadOnlyList<IBuiltInRecognizer> All =
    [
        new Grpc.GrpcClientCalls(),
        new Http.AspNetCoreRequests(),
        new TaskDelays(),
        new Locks.Locks(), // last: its deadlocks are cycles over every wait found before it
    ];

    /// <summary>The recognizers a capture with this plan runs: none when its spec switched the built-ins off.</summary>
    public static IReadOnlyList<IBuiltInRecognizer> For(CapturePlan plan) => plan.BuiltIns ? All : [];
}
