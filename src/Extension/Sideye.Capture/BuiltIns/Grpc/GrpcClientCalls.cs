using System.Globalization;
using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture.BuiltIns.Grpc;

/// <summary>
/// gRPC calls in flight in Grpc.Net.Client over SocketsHttpHandler. A call is found through its
/// <c>GrpcCall.RunCall</c> async frame (whose state machine's <c>this</c> is the call): the stack that awaits the
/// call's response (its <c>_responseTcs</c> task) is joined to that RunCall stack, so one logical client stack
/// reaches down to its HTTP/2 stream. The row names the call's method, deadline, HTTP/2 stream id and the
/// connection's endpoints (the server's from the socket; the client's own from the socket when the runtime cached
/// it, else, for a live process, from the kernel's table of its sockets).
/// </summary>
internal sealed class GrpcClientCalls : IBuiltInRecognizer
{
    private const string RunCall = ".RunCall";
    private const string CallType = "Grpc.Net.Client.Internal.GrpcCall<";
    private const string Http2StreamFrame = "System.Net.Http.Http2Connection.Http2Stream.";
    private const string ResponseFrame = "System.Net.Http.Http2Connection.Http2Stream.ReadResponseHeadersAsync";

    public string Name => "gRPC client calls";

    public bool Wants(string typeName) => false; // found through the stacks: a call's RunCall frame is what proves it in flight

    public void FindContinuations(BuiltInContext context)
    {
        var resolver = new ContinuationResolver(context.Stacks.SelectMany(s => s.Frames).Select(f => f.ObjectAddress).OfType<ulong>());
        foreach ((int stack, ClrObject call) in Calls(context))
        {
            if (call.Object("_responseTcs")?.Object("_task") is not { } response)
                continue;
            foreach (ulong box in resolver.CallersOf(response))
            {
                if (context.StackOfObject(box) is int awaiting && awaiting != stack)
                {
                    context.Continue(awaiting, stack, call.Address, $"completes the response of gRPC call {MethodOf(call) ?? "?"}");
                    break;
                }
            }
        }
    }

    public void Recognize(BuiltInContext context)
    {
        int found = 0;
        var localBySocket = new Dictionary<ulong, string?>(); // calls share their connection: ask the kernel once per socket
        foreach ((int stack, ClrObject call) in Calls(context))
        {
            found++;
            ClrObject? stream = Http2Stream(context, stack);
            ClrObject? socket = stream?.Object("_connection")?.Object("_stream") is { } s ? Socket(s) : null;
            string? remote = HeapObjects.Endpoint(socket?.Object("_remoteEndPoint") ?? socket?.Object("_rightEndPoint"));
            string? local = HeapObjects.Endpoint(socket?.Object("_localEndPoint"));
            if (local is null && socket is { } sk && context.Clock?.IsLive == true)
            {
                if (!localBySocket.TryGetValue(sk.Address, out local))
                    localBySocket[sk.Address] = local = LocalFromKernel(context, sk);
            }
            context.GrpcClientCalls.Add(new GrpcClientCallRow(stack, 0, MethodOf(call), stream is { } st ? StreamId(st) : null, local, remote,
                Deadline(call), null, unchecked((long)call.Address)));
        }
        if (found > 0 && context.GrpcClientCalls.All(r => r.StreamId is null))
            context.Warn("no HTTP/2 stream found under any gRPC call (Grpc.Net.Client over something other than SocketsHttpHandler's HTTP/2?): stream ids and endpoints are NULL.");
    }

    /// <summary>
    /// Each call in flight once, with its stack. A call's <c>RunCall</c> can be on two stacks: while the request body
    /// is still being written, <c>Http2Connection.SendAsync</c> awaits both the body's write and the response headers,
    /// and each is a leaf whose chain reaches the same RunCall. The call's stack is the one waiting for the response.
    /// </summary>
    private static IEnumerable<(int Stack, ClrObject Call)> Calls(BuiltInContext context)
    {
        var found = new List<(int Stack, ClrObject Call)>();
        for (int i = 0; i < context.Stacks.Count; i++)
        {
            foreach (CapturedFrame f in context.Stacks[i].Frames)
            {
                if (f.ObjectAddress is ulong box && f.Method.StartsWith(CallType, StringComparison.Ordinal) && f.Method.EndsWith(RunCall, StringComparison.Ordinal)
                    && context.StateMachineThis(box) is { } call)
                {
                    found.Add((i, call));
                    break;
                }
            }
        }
        return found.GroupBy(c => c.Call.Address)
            .Select(g => g.FirstOrDefault(c => context.Stacks[c.Stack].Frames.Any(f => f.Method.StartsWith(ResponseFrame, StringComparison.Ordinal)), g.First()));
    }

    private static ClrObject? Http2Stream(BuiltInContext context, int stack)
    {
        foreach (CapturedFrame f in context.Stacks[stack].Frames)
        {
            if (f.ObjectAddress is ulong box && f.Method.StartsWith(Http2StreamFrame, StringComparison.Ordinal)
                && context.StateMachineThis(box) is { } stream && StreamId(stream) is not null)
                return stream;
        }
        return null;
    }

    // The connection's stream may be wrapped (gRPC's StreamWrapper, SslStream): unwrap to the NetworkStream's socket.
    private static ClrObject? Socket(ClrObject stream)
    {
        for (int depth = 0; depth < 5; depth++)
        {
            if (stream.Object("_streamSocket") is { } socket)
                return socket;
            if ((stream.Object("_inner") ?? stream.Object("_innerStream")) is not { } inner)
                return null;
            stream = inner;
        }
        return null;
    }

    private static string? MethodOf(ClrObject call) =>
        call.Object("<Method>k__BackingField") is { } method ? method.String("fullName") ?? method.String("<FullName>k__BackingField") : null;

    private static int? StreamId(ClrObject stream) => stream.Value<int>("<StreamId>k__BackingField") ?? stream.Value<int>("_streamId");

    // DateTime.MaxValue (no deadline) is NULL; the ticks are the low 62 bits of DateTime's one field.
    private static DateTime? Deadline(ClrObject call)
    {
        if (call.Value<ulong>("_deadline") is not ulong data)
            return null;
        long ticks = (long)(data & 0x3FFF_FFFF_FFFF_FFFF);
        return ticks <= 0 || ticks >= DateTime.MaxValue.Ticks - TimeSpan.TicksPerSecond ? null : new DateTime(ticks, DateTimeKind.Utc);
    }

    /// <summary>
    /// The socket's local endpoint from the kernel: the runtime fills Socket._localEndPoint only when asked, but the
    /// socket's file descriptor leads to its inode in /proc/PID/fd and to its addresses in /proc/PID/net/tcp(6).
    /// </summary>
    private static string? LocalFromKernel(BuiltInContext context, ClrObject? socket)
    {
        if (socket?.Object("_handle") is not { } handle || handle.Value<nint>("handle") is not nint fd || fd <= 0)
            return null;
        int pid = context.Runtime.DataTarget.DataReader.ProcessId;
        try
        {
            string link = new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget ?? "";
            if (!link.StartsWith("socket:[", StringComparison.Ordinal))
                return null;
            string inode = link[8..^1];
            foreach (string table in new[] { "tcp", "tcp6" })
            {
                foreach (string line in File.ReadLines($"/proc/{pid}/net/{table}").Skip(1))
                {
                    string[] cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (cols.Length > 9 && cols[9] == inode)
                        return KernelEndpoint(cols[1]);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    // "0100007F:8A3B" (IPv4, address in host order as hex) or 32 hex digits for IPv6; the port in hex.
    private static string? KernelEndpoint(string text)
    {
        string[] parts = text.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int port))
            return null;
        byte[] bytes = Convert.FromHexString(parts[0]);
        // /proc prints each 32-bit word of the address in the machine's (little-endian) order.
        for (int i = 0; i + 4 <= bytes.Length; i += 4)
            Array.Reverse(bytes, i, 4);
        var ip = new System.Net.IPAddress(bytes);
        if (ip.IsIPv4MappedToIPv6)
            ip = ip.MapToIPv4();
        string address = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
        return $"{address}:{port.ToString(CultureInfo.InvariantCulture)}";
    }
}
