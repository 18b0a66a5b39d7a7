namespace Sideye.SpecCompiler;

/// <summary>
/// Splits a spec into the <see cref="CapturePlan"/> (for the engine) and the <see cref="SpecSql"/> (for the
/// query server). Outside this namespace the name <c>SpecCompiler</c> may resolve to the namespace
/// <c>Sideye.SpecCompiler</c>; call <see cref="Spec.Compile"/> there instead.
/// </summary>
public static class SpecCompiler
{
    /// <exception cref="InvalidSpecException">The spec has errors (only possible for a spec built in code).</exception>
    public static CompiledSpec Compile(Spec spec)
    {
        var errors = StaticChecks.Run(spec).Where(d => d.IsError).ToList();
        if (errors.Count > 0) throw new InvalidSpecException(errors);
        return new CompiledSpec(CompilePlan(spec), CompileSql(spec));
    }

    internal static CapturePlan CompilePlan(Spec spec)
    {
        var functions = spec.Functions
            .Select(f => new FunctionCapture(
                f.Function,
                f.TableName,
                f.Captures.Select(c => new VariableCapture(c.Column, c.RootVariable, c.FieldPath)).ToEquatableArray()))
            .OrderBy(f => f.Function, StringComparer.Ordinal)
            .ToEquatableArray();
        var defaults = spec.Limits.Defaults;
        var typeLimits = spec.Limits.Types
            .Select(t => new TypeCaptureLimits(t.Type, t.Resolve(defaults)))
            .OrderBy(t => t.Type, StringComparer.Ordinal)
            .ToEquatableArray();
        return new CapturePlan(functions, defaults, typeLimits) { BuiltIns = spec.BuiltIns, Redaction = spec.Redaction };
    }

    internal static SpecSql CompileSql(Spec spec)
    {
        var functionTables = spec.Functions
            .Select(f => new FunctionTableSql(
                f.TableName,
                f.Function,
                f.Captures.Select(c => c.Column).ToEquatableArray(),
                f.Columns.Select(c => new ExtraColumnSql(c.Name, c.Sql, c.Type, c.Visible)).ToEquatableArray()))
            .ToEquatableArray();
        var derived = spec.Tables.Select(t => new DerivedTableSql(t.Name, t.Sql)).ToEquatableArray();

        // Links name tables and columns case-insensitively (as SQL does); the output uses the defined
        // spelling so the query server can match them with plain string comparison.
        var tableNames = functionTables.Select(t => t.Table).Concat(derived.Select(t => t.Name)).ToList();
        var columnsByTable = spec.Functions.ToDictionary(f => f.TableName, f => StaticChecks.ColumnsOf(f).ToList(), StringComparer.OrdinalIgnoreCase);
        LinkEndSql End(LinkEndSpec end)
        {
            var table = tableNames.FirstOrDefault(t => string.Equals(t, end.Table, StringComparison.OrdinalIgnoreCase)) ?? end.Table;
            var known = columnsByTable.GetValueOrDefault(table) ?? [];
            var columns = end.Columns
                .Select(c => known.FirstOrDefault(k => string.Equals(k, c.Name, StringComparison.OrdinalIgnoreCase)) ?? c.Name)
                .ToEquatableArray();
            return new LinkEndSql(table, columns);
        }
        var links = spec.Links.Select(l => new LinkSql(l.Note, End(l.From), End(l.To))).ToEquatableArray();
        return new SpecSql(functionTables, derived, links) { BuiltIns = spec.BuiltIns };
    }
}
