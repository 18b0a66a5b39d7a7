namespace Sideye.SpecCompiler.Tests;

public sealed class StringDistanceTests
{
    [Theory]
    [InlineData("capture", "capture", 0)]
    [InlineData("captrue", "capture", 1)]   // adjacent swap costs one edit
    [InlineData("colums", "columns", 1)]
    [InlineData("Function", "function", 0)] // case is ignored by default
    [InlineData("", "abc", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("ca", "abc", 3)]            // optimal string alignment: no edits of a swapped pair
    public void Damerau_counts_edits(string a, string b, int expected)
    {
        Assert.Equal(expected, StringDistance.Damerau(a, b));
        Assert.Equal(expected, StringDistance.Damerau(b, a));
    }

    [Fact]
    public void Case_counts_when_asked() => Assert.Equal(1, StringDistance.Damerau("Function", "function", ignoreCase: false));

    [Fact]
    public void Suggest_orders_by_distance_and_drops_far_candidates()
    {
        var suggestions = StringDistance.Suggest("max_dept", ["max_depth", "max_string_bytes", "max_collection_items", "types"]);

        Assert.Equal(["max_depth"], suggestions);
    }

    [Fact]
    public void Suggest_returns_at_most_max_and_never_the_input_itself()
    {
        var suggestions = StringDistance.Suggest("abcd", ["abcd", "abce", "abcf", "abcg", "abch"], max: 2);

        Assert.Equal(["abce", "abcf"], suggestions);
    }

    [Fact]
    public void Closest_is_null_when_nothing_is_close() => Assert.Null(StringDistance.Closest("functions", ["limits", "xyz"]));
}
