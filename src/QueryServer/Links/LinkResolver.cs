using System.Globalization;
using System.Text;
using Sideye.QueryServer.Catalog;
using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Errors;
using Sideye.QueryServer.Specs;
using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Links;

/// <summary>
/// Follows the spec's links from the rows of one table on one stack: the other table's rows whose key columns
/// equal theirs, pairwise. Links are symmetric, so a link is followed from whichever side names the table
/// (both, for a link from a table to itself). Links are resolved against the spec in force, so a link added
/// today works on yesterday's snapshots.
/// </summary>
public sealed class LinkResolver(SpecState spec, QueryRunner runner)
{
    /// <summary>How many stacks one request may resolve links for (a table page is 50 rows).</summary>
    public const int MaxStacks = 1000;

    private const string FromStack = "__sideye_from_stack_id";

    public async Task<LinksResponse> ResolveAsync(LoadedSnapshot snapshot, string table, long stackId, CancellationToken aborted) =>
        (await ResolveAsync(snapshot, table, [stackId], aborted).ConfigureAwait(false)).Stacks[0];

    /// <summary>
    /// The links of the table's rows on each of several stacks, one query per link side for all of them (a table
    /// page's rows resolved in one request, not one per row).
    /// </summary>
    public async Task<LinksBatchResponse> ResolveAsync(LoadedSnapshot snapshot, string table, IReadOnlyList<long> stackIds, CancellationToken aborted)
    {
        SpecSql sql = spec.Current.Sql;
        string? name = sql.FunctionTables.Select(t => t.Table).Concat(sql.DerivedTables.Select(t => t.Name)).Concat(BuiltInSpec.TablesOf(sql))
            .FirstOrDefault(t => string.Equals(t, table, StringComparison.OrdinalIgnoreCase));
        if (name is null)
            throw new QueryRejectedException("Unknown table", $"'{table}' is not a function table, derived table or built-in table of the spec in force.");
        if (!BuiltInSpec.HasStackRows(name, sql) && !sql.DerivedTables.Any(t => t.Name == name))
            throw new QueryRejectedException("No rows per stack", $"'{name}' has no stack_id: its rows do not belong to one stack. Follow links from a table that does (for a lock: lock_waiters).");
        long[] ids = [.. stackIds.Distinct().Order()];
        if (ids.Length == 0)
            throw new QueryRejectedException("No stack", "Give the stack_id of at least one row whose links to follow.");
        if (ids.Length > MaxStacks)
            throw new QueryRejectedException("Too many stacks", $"{ids.Length} stack_id values given; at most {MaxStacks} per request: split the request.");

        var resolved = ids.ToDictionary(id => id, _ => new List<LinkResolution>());
        foreach (LinkSql link in BuiltInSpec.LinksOf(sql))
        {
            foreach ((LinkEndSql self, LinkEndSql other) in Sides(link, name))
            {
                bool sameFunctionTable = string.Equals(self.Table, other.Table, StringComparison.Ordinal)
                    && sql.FunctionTables.Any(t => t.Table == self.Table);
                QueryResult rows = await runner.RunServerSqlAsync(snapshot.Catalog, Sql(self, other, ids, sameFunctionTable), aborted).ConfigureAwait(false);
                foreach ((long id, QueryResult ofStack) in SplitByStack(rows, ids))
                    resolved[id].Add(new LinkResolution(link.Note, [.. self.Columns], other.Table, [.. other.Columns], ofStack));
            }
        }
        return new LinksBatchResponse(name, [.. ids.Select(id => new LinksResponse(name, id, resolved[id]))]);
    }

    /// <summary>
    /// The rows of each stack, without the column that says which stack they were followed from. The rows come ordered
    /// by that stack, so a result cut at the row cap is complete for every stack before the last one read.
    /// </summary>
    private static IEnumerable<(long Id, QueryResult Rows)> SplitByStack(QueryResult rows, long[] ids)
    {
        ILookup<long, IReadOnlyList<object?>> byStack = rows.Rows.ToLookup(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture), r => (IReadOnlyList<object?>)r.Skip(1).ToArray());
        long? lastRead = rows.Rows.Count > 0 ? Convert.ToInt64(rows.Rows[^1][0], CultureInfo.InvariantCulture) : null;
        string[] columns = [.. rows.Columns.Skip(1)];
        string[] types = [.. rows.Types.Skip(1)];
        foreach (long id in ids)
        {
            bool truncated = rows.Truncated && (lastRead is not long last || id >= last);
            yield return (id, new QueryResult(columns, types, [.. byStack[id]], truncated, rows.ElapsedMs));
        }
    }

    private static IEnumerable<(LinkEndSql Self, LinkEndSql Other)> Sides(LinkSql link, string table)
    {
        if (string.Equals(link.From.Table, table, StringComparison.Ordinal))
            yield return (link.From, link.To);
        if (string.Equals(link.To.Table, table, StringComparison.Ordinal))
            yield return (link.To, link.From);
    }

    private static string Sql(LinkEndSql self, LinkEndSql other, long[] stackIds, bool sameFunctionTable)
    {
        var sql = new StringBuilder($"SELECT DISTINCT s.stack_id AS {SqlText.Identifier(FromStack)}, o.* FROM {SqlText.Identifier(other.Table)} AS o JOIN {SqlText.Identifier(self.Table)} AS s ON ");
        sql.AppendJoin(" AND ", self.Columns.Zip(other.Columns, (a, b) => $"s.{SqlText.Identifier(a)} = o.{SqlText.Identifier(b)}"));
        sql.Append(" WHERE s.stack_id IN (").AppendJoin(", ", stackIds.Select(id => id.ToString(CultureInfo.InvariantCulture))).Append(')');
        if (sameFunctionTable)
            sql.Append(" AND NOT (o.stack_id = s.stack_id AND o.depth = s.depth)"); // a row does not link to itself
        return sql.Append(" ORDER BY 1").ToString();
    }
}
