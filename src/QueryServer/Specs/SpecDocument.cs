using Sideye.SpecCompiler;

namespace Sideye.QueryServer.Specs;

/// <summary>The spec in force: its text, its version and what it compiles to for the query server.</summary>
/// <param name="Version">0 before any spec; each accepted PUT adds one (kept on disk as <c>&lt;spec&gt;.vN</c>).</param>
/// <param name="Path">The spec file, or null when the server was started without <c>--spec</c> (kept in memory).</param>
/// <param name="Yaml">The spec's text.</param>
/// <param name="Sql">The compiled tables and links.</param>
/// <param name="Warnings">The loader's and validator's warnings, in compiler format.</param>
public sealed record SpecDocument(int Version, string? Path, string Yaml, SpecSql Sql, IReadOnlyList<string> Warnings)
{
    /// <summary>What a snapshot taken through the server (<c>POST /api/snapshots</c>) captures.</summary>
    public CapturePlan Plan { get; init; } = CapturePlan.Empty;

    public static SpecDocument Empty(string? path) => new(0, path, "", SpecSql.Empty, []);
}
