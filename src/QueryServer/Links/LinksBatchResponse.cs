namespace Sideye.QueryServer.Links;

/// <summary>The body of <c>GET /api/snapshots/{id}/links/batch</c>: every link of the table, resolved for each stack asked for.</summary>
/// <param name="Table">The table, as the spec spells it.</param>
/// <param name="Stacks">One entry per distinct stack_id asked for, in ascending order.</param>
public sealed record LinksBatchResponse(string Table, IReadOnlyList<LinksResponse> Stacks);
