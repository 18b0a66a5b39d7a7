using System.Text.RegularExpressions;

namespace Sideye.SpecCompiler;

/// <summary>
/// The values of an extra column's <c>type:</c>. Semantic types say how to read a number (the query
/// server formats them; storage stays BIGINT); SQL types make the server cast the expression with
/// <c>TRY_CAST</c>, so a value that does not convert is NULL instead of failing the whole query.
/// </summary>
public static partial class ColumnTypes
{
    /// <summary>Nanoseconds since the Unix epoch (UTC), e.g. a Go-style or <c>Stopwatch</c>-derived timestamp.</summary>
    public const string TimestampNanos = "TimestampNanos";

    /// <summary>.NET ticks (100 ns) since 0001-01-01, as in <c>DateTime</c>'s and <c>DateTimeOffset</c>'s internal value.</summary>
    public const string TimestampTicks = "TimestampTicks";

    /// <summary>A duration in nanoseconds.</summary>
    public const string DurationNanos = "DurationNanos";

    /// <summary>A duration in .NET ticks (100 ns), as in <c>TimeSpan._ticks</c>.</summary>
    public const string DurationTicks = "DurationTicks";

    public static readonly EquatableArray<string> Semantic = [TimestampNanos, TimestampTicks, DurationNanos, DurationTicks];

    /// <summary>Plain DuckDB types accepted as they are (any case); DECIMAL/NUMERIC may carry (precision, scale).</summary>
    public static readonly EquatableArray<string> Sql =
    [
        "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT",
        "DOUBLE", "FLOAT", "REAL", "DECIMAL", "NUMERIC", "VARCHAR", "TEXT", "BOOLEAN", "JSON",
        "TIMESTAMP", "TIMESTAMPTZ", "DATE", "TIME", "INTERVAL", "BLOB", "UUID",
    ];

    /// <summary>Every accepted name, for suggestions and docs.</summary>
    public static IEnumerable<string> All => Semantic.Concat(Sql);

    /// <summary>The canonical spelling of a valid type (semantic names as declared, SQL types upper case), or false.</summary>
    public static bool TryNormalize(string type, out string canonical)
    {
        var trimmed = type.Trim();
        foreach (var name in All)
        {
            if (string.Equals(name, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                canonical = name;
                return true;
            }
        }
        var match = Decimal().Match(trimmed);
        if (match.Success)
        {
            var scale = match.Groups[3].Success ? "," + match.Groups[3].Value : "";
            canonical = $"{match.Groups[1].Value.ToUpperInvariant()}({match.Groups[2].Value}{scale})";
            return true;
        }
        canonical = "";
        return false;
    }

    public static bool IsSemantic(string type) => Semantic.Contains(type, StringComparer.Ordinal);

    /// <summary>Whether a column of this canonical type (null: the expression's own) holds an instant.</summary>
    public static bool IsTimestamp(string? type) => type is TimestampNanos or TimestampTicks or "TIMESTAMP" or "TIMESTAMPTZ";

    /// <summary>The DuckDB type a column of this (canonical) type holds.</summary>
    public static string StorageType(string type) => IsSemantic(type) ? "BIGINT" : type;

    [GeneratedRegex(@"^(decimal|numeric)\s*\(\s*([0-9]{1,2})\s*(?:,\s*([0-9]{1,2})\s*)?\)$", RegexOptions.IgnoreCase)]
    private static partial Regex Decimal();
}
