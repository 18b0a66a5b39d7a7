namespace Sideye.QueryServer.Api;

/// <summary>The body of <c>GET /api/health</c>.</summary>
public sealed record HealthResponse(string Status, int Snapshots);
