using System.Globalization;
using Sideye.QueryServer.Api;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Errors;
using Sideye.QueryServer.Links;
using Sideye.QueryServer.Specs;
using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Stacks;

/// <summary>
/// Reads one stack whole for a UI or a script: its row, its frames with their captured variables inline, the
/// stack links, and where each of its table rows links to (spec and built-in links, against the spec in force).
/// </summary>
public sealed class StackDetailReader(QueryRunner runner, LinkResolver links, SpecState spec)
{
    public async Task<StackDetailResponse> ReadAsync(LoadedSnapshot snapshot, long stackId, CancellationToken aborted)
    {
        string id = stackId.ToString(CultureInfo.InvariantCulture);
        QueryResult stack = await runner.RunServerSqlAsync(snapshot.Catalog, $"SELECT * FROM stacks WHERE stack_id = {id}", aborted).ConfigureAwait(false);
        if (stack.Rows.Count == 0)
            throw new StackNotFoundException(snapshot.Id, stackId);
        QueryResult frames = await runner.RunServerSqlAsync(snapshot.Catalog, $$"""
            SELECT f.*, CAST(coalesce((
                SELECT list({'function': v."function", 'column': v."column", 'value': TRY_CAST(v.value AS JSON),
                             'raw_value': TRY_CAST(v.raw_value AS JSON), 'type': v.type, 'unavailable': v.unavailable} ORDER BY v."column")
                FROM captured_values v WHERE v.stack_id = f.stack_id AND v.pid = f.pid AND v.depth = f.depth), []) AS JSON) AS variables
            FROM frames f WHERE f.stack_id = {{id}} ORDER BY f.depth
            """, aborted).ConfigureAwait(false);
        QueryResult stackLinks = await runner.RunServerSqlAsync(snapshot.Catalog,
            $"SELECT * FROM stack_links WHERE from_stack_id = {id} OR to_stack_id = {id} ORDER BY kind, from_stack_id, to_stack_id", aborted).ConfigureAwait(false);

        // Every table some link names that has a row on this stack.
        SpecSql sql = spec.Current.Sql;
        IEnumerable<string> linked = BuiltInSpec.LinksOf(sql).SelectMany(l => new[] { l.From.Table, l.To.Table }).Distinct(StringComparer.Ordinal);
        var rowLinks = new List<LinksResponse>();
        foreach (string table in linked.Where(t => BuiltInSpec.HasStackRows(t, sql)))
        {
            QueryResult present = await runner.RunServerSqlAsync(snapshot.Catalog,
                $"SELECT 1 FROM {SqlText.Identifier(table)} WHERE stack_id = {id} LIMIT 1", aborted).ConfigureAwait(false);
            if (present.Rows.Count > 0)
                rowLinks.Add(await links.ResolveAsync(snapshot, table, stackId, aborted).ConfigureAwait(false));
        }
        return new StackDetailResponse(stackId, stack, frames, stackLinks, rowLinks);
    }
}
