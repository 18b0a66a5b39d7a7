namespace Sideye.Tests.Shared;

/// <summary>
/// The truth about dumps/known-values, as its source states it, rendered the way Sideye renders it with the
/// default limits (512 string bytes, 64 collection items, depth 4). One list for every test that checks it.
/// </summary>
internal static class KnownValuesTruth
{
    public const string GuidText = "6f9619ff-8b86-d011-b42d-00c04fc964ff";
    public const string Cycle = """{"Name":"a","Next":{"Name":"b","Next":"…(cycle KnownValues.Node)"}}""";

    public static readonly string LongText = "\"" + new string('x', 512) + "…(5000 chars, cut)\"";
    public static readonly string Many = "[" + string.Join(",", Enumerable.Range(0, 64)) + ",\"…(1000 items)\"]";

    /// <summary>The locals of Holder.Hold and AsyncHolder.WaitAsync (the same in both), in source order, rendered.</summary>
    public static readonly (string Name, string Json)[] Locals =
    [
        ("answer", "42"),
        ("big", "1234567890123"),
        ("flag", "true"),
        ("ratio", "0.25"),
        ("greeting", "\"hello\""),
        ("p", """{"X":3,"Y":4}"""),
        ("cycle", Cycle),
        ("longText", LongText),
        ("many", Many),
        ("color", "\"Green\""),
        ("price", "12.34"),
        ("when", "\"2024-01-02T03:04:05Z\""),
        ("id", $"\"{GuidText}\""),
        ("span", "\"00:01:30\""),
        ("dict", """{"a":1,"b":2}"""),
        ("arr", "[1,2,3]"),
        ("nothing", "null"),
    ];
}
