using System.Text.Json.Serialization;

namespace Sideye.Snapshot;

/// <summary>One row of <c>http_server_requests</c>: an ASP.NET Core request in flight (what SOS's dumprequests lists).</summary>
public sealed record HttpServerRequestRow(
    [property: JsonPropertyName("stack_id")] long? StackId,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("method")] string? Method,
    [property: JsonPropertyName("path")] string? Path,
    [property: JsonPropertyName("protocol")] string? Protocol,
    [property: JsonPropertyName("stream_id")] int? StreamId,
    [property: JsonPropertyName("local_endpoint")] string? LocalEndpoint,
    [property: JsonPropertyName("remote_endpoint")] string? RemoteEndpoint,
    [property: JsonPropertyName("started_at"), UtcTimestamp] DateTime? StartedAt,
    [property: JsonPropertyName("context_address")] long? ContextAddress);
