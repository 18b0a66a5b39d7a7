namespace Sideye.SpecCompiler;

/// <summary>
/// A function table as the query server builds it: one row per frame of <see cref="Function"/>; columns
/// are the built-ins, then each captured column (JSON) and its hidden <c>raw_</c> companion, then the extra columns.
/// </summary>
/// <param name="CapturedColumns">In spec order; each also has a hidden <c>raw_&lt;column&gt;</c> (see <see cref="ColumnNames.Raw"/>).</param>
public sealed record FunctionTableSql(
    string Table,
    string Function,
    EquatableArray<string> CapturedColumns,
    EquatableArray<ExtraColumnSql> ExtraColumns)
{
    /// <summary>Every column an extra column's SQL (or a link) can use, in table order, with its SQL type.</summary>
    public IEnumerable<TableColumn> EnumerateSourceColumns()
    {
        foreach (var builtIn in ColumnNames.BuiltIns) yield return builtIn;
        foreach (var column in CapturedColumns) yield return new TableColumn(column, "JSON", Visible: true);
        foreach (var column in CapturedColumns) yield return new TableColumn(ColumnNames.Raw(column), "JSON", Visible: false);
    }

    /// <summary><see cref="EnumerateSourceColumns"/> followed by the extra columns.</summary>
    public IEnumerable<TableColumn> EnumerateColumns() =>
        EnumerateSourceColumns().Concat(ExtraColumns.Select(c => new TableColumn(c.Name, c.Type is null ? null : ColumnTypes.StorageType(c.Type), c.Visible)));
}
