using Sideye.QueryServer.Engine;
using Sideye.QueryServer.Specs;
using Sideye.Snapshot;
using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Api;

/// <summary>The body of <c>GET</c> and <c>PUT /api/spec</c>: the spec in force and what it defines.</summary>
/// <param name="Version">0 before any spec; the N of <c>&lt;spec file&gt;.vN</c> after each accepted PUT.</param>
/// <param name="Path">The spec file, or null when the server keeps the spec in memory (started without --spec).</param>
/// <param name="Yaml">The spec's text.</param>
/// <param name="Tables">Function and derived tables, in spec order; every snapshot also has <c>all_captured_data</c>.</param>
/// <param name="Links">The links.</param>
/// <param name="Warnings">Compiler warnings (file:line:column: warning: ...).</param>
/// <param name="BuiltIns">The built-in tables and links merged with the spec's.</param>
public sealed record SpecResponse(
    int Version,
    string? Path,
    string Yaml,
    IReadOnlyList<SpecTableInfo> Tables,
    IReadOnlyList<SpecLinkInfo> Links,
    IReadOnlyList<string> Warnings,
    SpecBuiltInsInfo BuiltIns)
{
    public static SpecResponse From(SpecDocument document) => new(
        document.Version,
        document.Path,
        document.Yaml,
        TablesOf(document.Sql),
        LinksOf(document.Sql),
        document.Warnings,
        new SpecBuiltInsInfo(
            document.Sql.BuiltIns,
            [.. SnapshotTables.BuiltIn.Select(t => new SpecTableInfo(t, "builtin", null, [.. TableSchemas.Columns(t).Select(c => new SpecColumnInfo(c.Name, c.Type, true, null))], null))],
            [.. BuiltInSpec.Links.Select(Link)]));

    /// <summary>A spec's function and derived tables, in spec order (also what <c>POST /api/spec/check</c> shows).</summary>
    public static IReadOnlyList<SpecTableInfo> TablesOf(SpecSql sql) =>
    [
        .. sql.FunctionTables.Select(t => new SpecTableInfo(t.Table, "function", t.Function, [.. t.EnumerateSourceColumns().Select(c => new SpecColumnInfo(c.Name, c.SqlType, c.Visible, null)), .. t.ExtraColumns.Select(Column)], null)),
        .. sql.DerivedTables.Select(t => new SpecTableInfo(t.Name, "derived", null, null, t.Sql)),
    ];

    /// <summary>A spec's own links (the built-in ones are listed apart).</summary>
    public static IReadOnlyList<SpecLinkInfo> LinksOf(SpecSql sql) => [.. sql.Links.Select(Link)];

    private static SpecLinkInfo Link(LinkSql l) => new(l.Note, End(l.From), End(l.To));

    private static SpecColumnInfo Column(ExtraColumnSql extra) => new(extra.Name, ViewType(extra.Type), extra.Visible, extra.Type);

    // Semantic types are shown as real timestamps and intervals (see SpecViewSql.ExtraColumnExpression).
    private static string? ViewType(string? type) => type switch
    {
        null => null,
        ColumnTypes.TimestampNanos => "TIMESTAMP WITH TIME ZONE",
        ColumnTypes.TimestampTicks => "TIMESTAMP WITH TIME ZONE",
        ColumnTypes.DurationNanos or ColumnTypes.DurationTicks => "INTERVAL",
        _ => type,
    };

    private static SpecLinkEndInfo End(LinkEndSql end) => new(end.Table, [.. end.Columns]);
}
