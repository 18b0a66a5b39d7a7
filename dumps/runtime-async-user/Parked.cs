using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace RuntimeAsyncUser;

/// <summary>
/// The parked methods. The project compiles every async method as runtime async (no state machine type), except the
/// two marked [RuntimeAsyncMethodGeneration(false)]. Each await a test looks for is on a line of its own, after a
/// <see cref="Truth.Here"/> on the same line that records it.
/// </summary>
public static class Parked
{
    // --- plain-task: runtime async awaiting a Task that never completes (a TaskCompletionSource's). ---
    public static async Task AwaitNeverCompletedTaskAsync(Task never)
    {
        Truth.Here(); await never;
    }

    // --- token: runtime async awaiting SemaphoreSlim.WaitAsync(token) (the framework's rare-options await). ---
    public static async Task AwaitSemaphoreWithTokenAsync(SemaphoreSlim gate, CancellationToken token)
    {
        Truth.Here(); await gate.WaitAsync(token);
        gate.Release();
    }

    // --- value-task-source: runtime async awaiting a socket receive nobody answers (an IValueTaskSource ValueTask). ---
    public static async Task<int> ReceiveNeverAnsweredAsync(Socket socket)
    {
        byte[] buffer = new byte[16];
        Truth.Here(); int read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
        return read;
    }

    // --- nested: runtime async calling runtime async calling runtime async, the innermost in Task.Delay(Infinite). ---
    public static async Task NestedOuterAsync(int id)
    {
        Truth.Here(); await NestedMiddleAsync(id);
    }

    public static async Task<int> NestedMiddleAsync(int id)
    {
        Truth.Here(); int got = await NestedInnermostAsync(id);
        return got + 1;
    }

    public static async Task<int> NestedInnermostAsync(int id)
    {
        Truth.Here(); await Task.Delay(Timeout.Infinite);
        return id;
    }

    // --- running: a runtime-async chain executing on a thread pool thread, blocked inside its continuation. ---
    public static async Task RunningOuterAsync(ManualResetEventSlim entered, ManualResetEventSlim never)
    {
        Truth.Here(); await RunningInnerAsync(entered, never);
    }

    public static async Task RunningInnerAsync(ManualResetEventSlim entered, ManualResetEventSlim never)
    {
        // Suspends once and resumes on a thread pool thread: from here on the chain runs there.
        await Task.Yield();
        entered.Set();
        Truth.Here(); never.Wait();
    }

    // --- sm-awaits-ra: a Roslyn state machine awaiting a runtime-async method (awaiting a Task that never completes). ---
    [RuntimeAsyncMethodGeneration(false)]
    public static async Task StateMachineAwaitingRuntimeAsync(Task never)
    {
        Truth.Here(); await RuntimeAsyncAwaitedByStateMachine(never);
    }

    public static async Task RuntimeAsyncAwaitedByStateMachine(Task never)
    {
        Truth.Here(); await never;
    }

    // --- ra-awaits-sm: a runtime-async method awaiting a Roslyn state machine (awaiting a Task that never completes). ---
    public static async Task RuntimeAsyncAwaitingStateMachine(Task never)
    {
        Truth.Here(); await StateMachineAwaitedByRuntimeAsync(never);
    }

    [RuntimeAsyncMethodGeneration(false)]
    public static async Task StateMachineAwaitedByRuntimeAsync(Task never)
    {
        Truth.Here(); await never;
    }
}
