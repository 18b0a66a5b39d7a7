using System.Net;
using System.Net.Sockets;

namespace RuntimeAsyncTarget;

/// <summary>
/// User async methods (Roslyn state machines) parked for good in framework async methods. Each await is on a line of
/// its own: a test asserts the frame's line is the await's line.
/// </summary>
public static class Parked
{
    /// <summary>
    /// With a token, SemaphoreSlim.WaitAsync goes through WaitUntilCountOrTimeoutAsync (runtime async on 11); the
    /// semaphore is never released.
    /// </summary>
    public static async Task WaitOnSemaphoreWithTokenAsync(SemaphoreSlim gate, CancellationToken token)
    {
        await gate.WaitAsync(token);
        gate.Release();
    }

    /// <summary>Task.Delay with a token: a DelayPromiseWithCancellation (not runtime async itself).</summary>
    public static async Task SleepForeverAsync(CancellationToken token)
    {
        await Task.Delay(Timeout.Infinite, token);
    }

    /// <summary>A socket read that never completes: the framework's stream read path (a value-task source).</summary>
    public static async Task<int> ReadNeverAnsweredAsync(Stream stream)
    {
        byte[] buffer = new byte[16];
        int read = await stream.ReadAsync(buffer, CancellationToken.None);
        return read;
    }

    /// <summary>A connected loopback pair whose far end never writes.</summary>
    public static (Socket Listener, Socket Client, Socket Server) LoopbackPair()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        Socket server = listener.Accept();
        return (listener, client, server);
    }
}
