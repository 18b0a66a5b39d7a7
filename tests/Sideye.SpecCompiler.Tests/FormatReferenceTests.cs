namespace Sideye.SpecCompiler.Tests;

/// <summary>The format reference must not drift from the code: every key and every column type is documented.</summary>
public sealed class FormatReferenceTests
{
    // The reference lives beside the library for now; update this if it moves (e.g. to docs/).
    private const string ReferencePath = "src/SpecCompiler/README.md";

    private static string ReadReference()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ReferencePath);
            if (File.Exists(candidate)) return File.ReadAllText(candidate);
        }
        throw new FileNotFoundException($"{ReferencePath} not found above {AppContext.BaseDirectory}");
    }

    public static TheoryData<string> Keys => new(SpecKeys.All);

    public static TheoryData<string> Types => new(ColumnTypes.All);

    [Theory]
    [MemberData(nameof(Keys))]
    public void Every_key_is_documented(string key) => Assert.Contains($"`{key}`", ReadReference());

    [Theory]
    [MemberData(nameof(Types))]
    public void Every_column_type_is_documented(string type) => Assert.Contains($"`{type}`", ReadReference());

    [Fact]
    public void Reserved_table_names_and_built_in_columns_are_documented()
    {
        var reference = ReadReference();
        Assert.All(TableNames.Reserved, name => Assert.Contains($"`{name}`", reference));
        Assert.All(ColumnNames.BuiltIns, column => Assert.Contains($"| `{column.Name}` | {column.SqlType} |", reference));
    }
}
