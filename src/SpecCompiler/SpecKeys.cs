namespace Sideye.SpecCompiler;

/// <summary>
/// Every key the spec format has, per kind of mapping: the readers accept exactly these, suggestions for
/// misspelled keys come from them, and a test checks that the format reference documents each one.
/// </summary>
internal static class SpecKeys
{
    public static readonly string[] Root = ["functions", "tables", "links", "limits", "builtins", "redact", "allow"];
    public static readonly string[] Redact = ["names", "types"];
    public static readonly string[] Allow = ["names"];
    public static readonly string[] Function = ["function", "table", "capture", "columns"];
    public static readonly string[] Capture = ["expr", "column"];
    public static readonly string[] Column = ["name", "sql", "type", "visible"];
    public static readonly string[] Table = ["name", "sql"];
    public static readonly string[] Link = ["note", "from", "to"];
    public static readonly string[] LinkEnd = ["table", "columns"];
    public const string MaxStringBytes = "max_string_bytes";
    public const string MaxCollectionItems = "max_collection_items";
    public const string MaxDepth = "max_depth";
    public const string Types = "types";
    public static readonly string[] TypeLimits = [MaxStringBytes, MaxCollectionItems, MaxDepth];
    public static readonly string[] Limits = [.. TypeLimits, Types];

    public static IEnumerable<string> All =>
        Root.Concat(Function).Concat(Capture).Concat(Column).Concat(Table).Concat(Link).Concat(LinkEnd).Concat(Limits).Concat(Redact).Distinct();
}
