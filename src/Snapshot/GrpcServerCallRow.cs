using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>One row of <c>grpc_server_calls</c>: a gRPC call being handled by Grpc.AspNetCore on Kestrel.</summary>
public sealed record GrpcServerCallRow(
    [property: JsonPropertyName("stack_id")] long? StackId,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("method")] string? Method,
    [property: JsonPropertyName("stream_id")] int? StreamId,
    [property: JsonPropertyName("local_endpoint")] string? LocalEndpoint,
    [property: JsonPropertyName("remote_endpoint")] string? RemoteEndpoint,
    [property: JsonPropertyName("started_at"), UtcTimestamp] DateTime? StartedAt,
    [property: JsonPropertyName("call_address")] long? CallAddress);
