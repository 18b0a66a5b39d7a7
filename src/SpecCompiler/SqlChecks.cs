namespace Sideye.SpecCompiler;

/// <summary>Runs the <see cref="ISqlBinder"/> and places each of its errors on the <c>sql:</c> value it is about.</summary>
internal static class SqlChecks
{
    public static IReadOnlyList<SpecDiagnostic> Run(Spec spec, SpecSql sql, ISqlBinder binder)
    {
        var bag = new DiagnosticBag();
        foreach (var error in binder.Bind(sql))
        {
            var function = spec.Functions.FirstOrDefault(f => string.Equals(f.TableName, error.Table, StringComparison.OrdinalIgnoreCase));
            var table = spec.Tables.FirstOrDefault(t => string.Equals(t.Name, error.Table, StringComparison.OrdinalIgnoreCase));
            if (function is not null && error.Column is not null
                && function.Columns.FirstOrDefault(c => string.Equals(c.Name, error.Column, StringComparison.OrdinalIgnoreCase)) is { } column)
            {
                var available = string.Join(", ", StaticChecks.ColumnsOf(function).Where(c => !string.Equals(c, column.Name, StringComparison.OrdinalIgnoreCase)));
                bag.Error(At(column.SqlSpan, column.Sql, error.Offset),
                    $"the SQL of column '{column.Name}' in table '{function.TableName}' does not bind: {error.Message}",
                    $"The expression can use the columns {available}; pick JSON fields with ->'Field.Path'.");
            }
            else if (table is not null && error.Column is null)
            {
                var tables = spec.Functions.Select(f => f.TableName).Concat(spec.Tables.TakeWhile(t => t != table).Select(t => t.Name));
                bag.Error(At(table.SqlSpan, table.Sql, error.Offset),
                    $"the SQL of derived table '{table.Name}' does not bind: {error.Message}",
                    $"It can use the tables {string.Join(", ", tables)} (derived tables only those defined above it).");
            }
            else
            {
                // The binder named something the spec does not have; still show it, at the most relevant place.
                var at = function?.TableNameSpan ?? table?.NameSpan ?? SourceSpan.At(spec.File, 1, 1);
                var what = error.Column is null ? $"table '{error.Table}'" : $"column '{error.Column}' of table '{error.Table}'";
                bag.Error(at, $"the SQL of {what} does not bind: {error.Message}", null);
            }
        }
        return bag.ToList();
    }

    /// <summary>
    /// The position of a character of the SQL in the file, when the scalar is on one line and its text is
    /// the SQL verbatim (plain, or quoted without escapes); otherwise the start of the value.
    /// </summary>
    private static SourceSpan At(SourceSpan value, string sql, int? offset)
    {
        if (offset is not { } o || o < 0 || o > sql.Length || value.Line != value.EndLine) return value;
        var width = value.EndColumn - value.Column;
        var start = width == sql.Length ? value.Column : width == sql.Length + 2 ? value.Column + 1 : -1;
        return start < 0 ? value : value with { Column = start + o, EndColumn = start + o };
    }
}
