namespace Sideye.SpecCompiler.Tests;

public sealed class EquatableArrayTests
{
    [Fact]
    public void Arrays_with_equal_elements_are_equal_and_hash_alike()
    {
        EquatableArray<string> a = ["x", "y"];
        var b = new[] { "x", "y" }.ToEquatableArray();

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, ["y", "x"]);
    }

    [Fact]
    public void Default_is_empty_and_equals_an_empty_array()
    {
        EquatableArray<int> none = default;

        Assert.Empty(none);
        Assert.True(none.IsEmpty);
        Assert.Equal(EquatableArray<int>.Empty, none);
        Assert.Equal(none, []);
        Assert.Equal("[]", none.ToString());
    }

    [Fact]
    public void Records_holding_them_compare_by_value()
    {
        Assert.Equal(new VariableCapture("c", "cs", ["Mu", "Processing"]), new VariableCapture("c", "cs", ["Mu", "Processing"]));
        Assert.NotEqual(new VariableCapture("c", "cs", ["Mu"]), new VariableCapture("c", "cs", ["Mu", "Processing"]));
    }

    [Fact]
    public void Source_changes_after_construction_do_not_leak_in()
    {
        var source = new List<int> { 1, 2 };
        var array = source.ToEquatableArray();
        source.Add(3);

        Assert.Equal([1, 2], array);
        Assert.Equal("[1, 2]", array.ToString());
    }
}
