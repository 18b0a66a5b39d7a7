namespace Sideye.QueryServer.Links;

/// <summary>The body of <c>GET /api/snapshots/{id}/links</c>: every link of the table, resolved for one stack.</summary>
public sealed record LinksResponse(string Table, long StackId, IReadOnlyList<LinkResolution> Links);
