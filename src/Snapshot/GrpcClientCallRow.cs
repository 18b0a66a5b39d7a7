using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>One row of <c>grpc_client_calls</c>: a gRPC call in flight in a Grpc.Net.Client channel.</summary>
public sealed record GrpcClientCallRow(
    [property: JsonPropertyName("stack_id")] long? StackId,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("method")] string? Method,
    [property: JsonPropertyName("stream_id")] int? StreamId,
    [property: JsonPropertyName("local_endpoint")] string? LocalEndpoint,
    [property: JsonPropertyName("remote_endpoint")] string? RemoteEndpoint,
    [property: JsonPropertyName("deadline"), UtcTimestamp] DateTime? Deadline,
    [property: JsonPropertyName("started_at"), UtcTimestamp] DateTime? StartedAt,
    [property: JsonPropertyName("call_address")] long? CallAddress);
