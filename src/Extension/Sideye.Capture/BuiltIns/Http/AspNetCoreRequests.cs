using System.Globalization;
using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture.BuiltIns.Http;

/// <summary>
/// ASP.NET Core requests in flight on Kestrel, what SOS's <c>dumprequests</c> lists, each with the logical stack
/// serving it: a request is found through its <c>HttpProtocol.ProcessRequests</c> async frame (the outermost frame
/// of every request's stack; its <c>this</c> is the Kestrel HTTP/1.1 connection or HTTP/2 stream holding the
/// request's method, path, protocol and endpoints). A request served by Grpc.AspNetCore (a frame of
/// <c>Grpc.AspNetCore.Server</c> on the same stack) is also a gRPC server call. The request's start is
/// ASP.NET Core hosting's own timestamp (<c>HostingApplication.Context.StartTimestamp</c>), the stack's wait start.
/// </summary>
internal sealed class AspNetCoreRequests : IBuiltInRecognizer
{
    private const string ProcessRequests = "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpProtocol.ProcessRequests";
    private const string GrpcServer = "Grpc.AspNetCore.Server.";
    private const string TimestampSource = "ASP.NET Core request start (HostingApplication.Context.StartTimestamp)";
    private const string ActivitySource = "ASP.NET Core request start (the request's Activity.StartTimeUtc)";

    public string Name => "ASP.NET Core requests";

    public bool Wants(string typeName) => false; // found through the stacks: the ProcessRequests frame proves a request in flight

    public void Recognize(BuiltInContext context)
    {
        for (int i = 0; i < context.Stacks.Count; i++)
        {
            IReadOnlyList<CapturedFrame> frames = context.Stacks[i].Frames;
            CapturedFrame? outer = frames.LastOrDefault(f => f.ObjectAddress is not null && f.Method.StartsWith(ProcessRequests, StringComparison.Ordinal));
            if (outer?.ObjectAddress is not ulong box || context.StateMachineThis(box) is not { } protocol)
                continue;
            string? method = protocol.String("_methodText");
            string? path = protocol.String("<Path>k__BackingField");
            if (method is null && path is null)
                continue; // between requests: the connection waits for the next one
            int? streamId = protocol.Object("_context")?.Value<int>("<StreamId>k__BackingField");
            string? local = Endpoint(protocol, "Local"), remote = Endpoint(protocol, "Remote");
            (DateTime? started, string? source) = Started(context, protocol);
            context.HttpServerRequests.Add(new HttpServerRequestRow(i, 0, method, path, protocol.String("_httpProtocol"), streamId, local, remote,
                started, unchecked((long)protocol.Address)));
            if (frames.Any(f => f.Method.StartsWith(GrpcServer, StringComparison.Ordinal)))
                context.GrpcServerCalls.Add(new GrpcServerCallRow(i, 0, path, streamId, local, remote, started, unchecked((long)protocol.Address)));
            if (started is DateTime since && source is not null)
                context.SetWait(i, since, source);
        }
    }

    private static string? Endpoint(ClrObject protocol, string side)
    {
        if (protocol.Object($"<{side}IpAddress>k__BackingField") is not { } address || protocol.Value<int>($"<{side}Port>k__BackingField") is not int port)
            return null;
        return HeapObjects.Address(address) is { } ip
            ? (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString()) + ":" + port.ToString(CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>
    /// Hosting records the request's start as a Stopwatch timestamp when logging, tracing or metrics want it, and the
    /// request's Activity (when there is one) has its wall-clock start, which a dump converts as well.
    /// </summary>
    private static (DateTime? Started, string? Source) Started(BuiltInContext context, ClrObject protocol)
    {
        ClrObject? host = protocol.Type?.Fields.FirstOrDefault(f => f.Name?.EndsWith("HostContext>k__BackingField", StringComparison.Ordinal) == true) is { } field
            && protocol.TryReadObjectField(field.Name!, out ClrObject h) && !h.IsNull ? h : null;
        if (host?.Value<long>("<StartTimestamp>k__BackingField") is long t && t > 0 && context.Clock?.FromStopwatch(t) is DateTime fromTimestamp)
            return (fromTimestamp, TimestampSource);
        if (host?.Object("HttpActivityFeature")?.Object("<Activity>k__BackingField")?.Value<ulong>("<StartTimeUtc>k__BackingField") is ulong data)
        {
            long ticks = (long)(data & 0x3FFF_FFFF_FFFF_FFFF);
            if (ticks > DateTime.UnixEpoch.Ticks && ticks < DateTime.MaxValue.Ticks)
                return (new DateTime(ticks, DateTimeKind.Utc), ActivitySource);
        }
        return (null, null);
    }
}
