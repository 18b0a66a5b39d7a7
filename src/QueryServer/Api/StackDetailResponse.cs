using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Links;

namespace Sideye.QueryServer.Api;

/// <summary>One stack with everything known about it: <c>GET /api/snapshots/{id}/stacks/{stackId}</c>.</summary>
/// <param name="StackId">The stack.</param>
/// <param name="Stack">Its row of the <c>stacks</c> view (kind, thread, state, awaiting, wait times...), as a one-row result.</param>
/// <param name="Frames">Its frames, leaf (depth 0) first, each with a <c>variables</c> list: the captured values of that frame
/// (<c>function</c>, <c>column</c>, <c>value</c>, <c>raw_value</c>, <c>type</c>, <c>unavailable</c>).</param>
/// <param name="StackLinks">The <c>stack_links</c> rows from or to it (lock owners, completers, async cycles).</param>
/// <param name="RowLinks">For each table with a row on this stack (function and built-in tables), where the spec's and the built-in links lead.</param>
public sealed record StackDetailResponse(long StackId, QueryResult Stack, QueryResult Frames, QueryResult StackLinks, IReadOnlyList<LinksResponse> RowLinks);
