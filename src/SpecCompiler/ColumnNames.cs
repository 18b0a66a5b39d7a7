using System.Text;

namespace Sideye.SpecCompiler;

/// <summary>How function table columns are named: the built-ins, derived capture names and raw companions.</summary>
public static class ColumnNames
{
    public const string StackId = "stack_id";
    public const string Pid = "pid";
    public const string Depth = "depth";

    /// <summary>The extra column that gives its frame's stack a wait start (see the spec format's <c>waiting_since</c>).</summary>
    public const string WaitingSince = "waiting_since";

    /// <summary>The prefix of the hidden column that keeps a captured value's raw JSON (with <c>__addr</c>/<c>__type</c>).</summary>
    public const string RawPrefix = "raw_";

    /// <summary>
    /// Columns every function table has, identifying the frame a row came from (they join to the
    /// snapshot's <c>frames</c> table); types match the snapshot's Parquet schema.
    /// </summary>
    public static readonly EquatableArray<TableColumn> BuiltIns =
    [
        new(StackId, "BIGINT", Visible: true),
        new(Pid, "INTEGER", Visible: true),
        new(Depth, "INTEGER", Visible: true),
    ];

    public static bool IsBuiltIn(string column) => BuiltIns.Any(b => string.Equals(b.Name, column, StringComparison.OrdinalIgnoreCase));

    /// <summary>The hidden companion of a captured column: <c>cs</c> → <c>raw_cs</c>.</summary>
    public static string Raw(string column) => RawPrefix + column;

    /// <summary>
    /// The column for a capture without <c>column:</c>. A whole variable keeps its name (<c>jobId</c> →
    /// <c>jobId</c>), as users expect from the source and as queries written against it use. A field path
    /// becomes lower snake case, segments joined by <c>_</c> (<c>cs.Mu.Processing</c> → <c>cs_mu_processing</c>,
    /// <c>cs.Mu.LastStart</c> → <c>cs_mu_last_start</c>): a readable name for something that has none.
    /// </summary>
    public static string FromExpr(string expr)
    {
        if (!expr.Contains('.')) return expr.TrimStart('@');
        var parts = expr.Split('.').Select(ToSnakeCase).Where(p => p.Length > 0);
        return string.Join("_", parts);
    }

    private static string ToSnakeCase(string segment)
    {
        var text = segment.TrimStart('@');
        var builder = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsUpper(c))
            {
                var prev = i > 0 ? text[i - 1] : '\0';
                var next = i + 1 < text.Length ? text[i + 1] : '\0';
                // A word starts at lower→Upper ("lastStart") and at the last capital of an acronym ("HTTPServer").
                var startsWord = i > 0 && (char.IsLower(prev) || char.IsDigit(prev) || (char.IsUpper(prev) && char.IsLower(next)));
                if (startsWord) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        // Underscores from the source ("_count", "m__x") must not double up or dangle.
        var collapsed = builder.ToString();
        while (collapsed.Contains("__", StringComparison.Ordinal)) collapsed = collapsed.Replace("__", "_", StringComparison.Ordinal);
        return collapsed.Trim('_');
    }
}
