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

    /// <summary>
    /// Stream.CopyToAsync (runtime async on 11) from a socket whose far end never writes: its chain's head is the
    /// runtime's value-task-source continuation, and nothing but the user's state machine awaits it.
    /// </summary>
    public static async Task CopyNeverAnsweredAsync(Stream source)
    {
        await source.CopyToAsync(Stream.Null);
    }

    /// <summary>
    /// A chain running on a thread: Stream.CopyToAsync resumes after the first read and then blocks in the second
    /// (<see cref="BlockingSecondRead"/>) on a thread-pool thread, inside the runtime's continuation dispatcher on 11.
    /// </summary>
    public static async Task CopyIntoBlockingReadAsync(Stream source)
    {
        await source.CopyToAsync(Stream.Null);
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

/// <summary>A stream whose first read completes after a short delay and whose second blocks its thread for good.</summary>
public sealed class BlockingSecondRead : Stream
{
    private readonly ManualResetEventSlim _never = new(false);
    private int _reads;

    /// <summary>Set when the second read has begun blocking.</summary>
    public ManualResetEventSlim Blocking { get; } = new(false);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _reads) == 1)
            return new ValueTask<int>(OneByteLaterAsync(buffer));
        Blocking.Set();
        _never.Wait(cancellationToken);
        return new ValueTask<int>(0);
    }

    private static async Task<int> OneByteLaterAsync(Memory<byte> buffer)
    {
        await Task.Delay(50);
        buffer.Span[0] = 1;
        return 1;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
