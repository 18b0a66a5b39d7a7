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
    public async Task<LinksResponse> ResolveAsync(LoadedSnapshot snapshot, string table, long stackId, CancellationToken aborted)
    {
        SpecSql sql = spec.Current.Sql;
        string? name = sql.FunctionTables.Select(t => t.Table).Concat(sql.DerivedTables.Select(t => t.Name)).Concat(BuiltInSpec.TablesOf(sql))
            .FirstOrDefault(t => string.Equals(t, table, StringComparison.OrdinalIgnoreCase));
        if (name is null)
            throw new QueryRejectedException("Unknown table", $"'{table}' is not a function table, derived table or built-in table of the spec in force.");
        if (!BuiltInSpec.HasStackRows(name, sql) && !sql.DerivedTables.Any(t => t.Name == name))
            throw new QueryRejectedException("No rows per stack", $"'{name}' has no stack_id: its rows do not belong to one stack. Follow links from a table that does (for a lock: lock_waiters).");
        var results = new List<LinkResolution>();
        foreach (LinkSql link in BuiltInSpec.LinksOf(sql))
        {
            foreach ((LinkEndSql self, LinkEndSql other) in Sides(link, name))
            {
                bool sameFunctionTable = string.Equals(self.Table, other.Table, StringComparison.Ordinal)
                    && sql.FunctionTables.Any(t => t.Table == self.Table);
                QueryResult rows = await runner.RunServerSqlAsync(snapshot.Catalog, Sql(self, other, stackId, sameFunctionTable), aborted).ConfigureAwait(false);
                results.Add(new LinkResolution(link.Note, [.. self.Columns], other.Table, [.. other.Columns], rows));
            }
        }
        return new LinksResponse(name, stackId, results);
    }

    private static IEnumerable<(LinkEndSql Self, LinkEndSql Other)> Sides(LinkSql link, string table)
    {
        if (string.Equals(link.From.Table, table, StringComparison.Ordinal))
            yield return (link.From, link.To);
        if (string.Equals(link.To.Table, table, StringComparison.Ordinal))
            yield return (link.To, link.From);
    }

    private static string Sql(LinkEndSql self, LinkEndSql other, long stackId, bool sameFunctionTable)
    {
        var sql = new StringBuilder($"SELECT DISTINCT o.* FROM {SqlText.Identifier(other.Table)} AS o JOIN {SqlText.Identifier(self.Table)} AS s ON ");
        sql.AppendJoin(" AND ", self.Columns.Zip(other.Columns, (a, b) => $"s.{SqlText.Identifier(a)} = o.{SqlText.Identifier(b)}"));
        sql.Append(" WHERE s.stack_id = ").Append(stackId.ToString(CultureInfo.InvariantCulture));
        if (sameFunctionTable)
            sql.Append(" AND NOT (o.stack_id = s.stack_id AND o.depth = s.depth)"); // a row does not link to itself
        return sql.ToString();
    }
}
