namespace Sideye.SpecCompiler;

/// <summary>
/// Checks across entries that need nothing but the spec: duplicate functions, table and column names,
/// and links that point at tables or columns that do not exist.
/// </summary>
internal static class StaticChecks
{
    public static IReadOnlyList<SpecDiagnostic> Run(Spec spec)
    {
        var bag = new DiagnosticBag();
        CheckDuplicateFunctions(spec, bag);
        var tables = CheckTableNames(spec, bag);
        foreach (var function in spec.Functions) CheckColumns(function, bag);
        foreach (var link in spec.Links) CheckLink(link, tables, bag);
        CheckRedactedCaptures(spec, bag);
        return bag.ToList();
    }

    /// <summary>
    /// A capture whose variable or path has a sensitive name is written as a redaction marker, never its value: say
    /// so where the spec asks for it, and how to capture it anyway (fields inside captured objects are redacted the
    /// same way, by their names, at capture).
    /// </summary>
    private static void CheckRedactedCaptures(Spec spec, DiagnosticBag bag)
    {
        foreach (var function in spec.Functions)
        {
            foreach (var capture in function.Captures)
            {
                var sensitive = new[] { capture.RootVariable }.Concat(capture.FieldPath).FirstOrDefault(spec.Redaction.IsSensitiveName);
                if (sensitive is null) continue;
                bag.Warning(capture.ExprSpan,
                    $"'{capture.Expr}' of '{function.Function}' will be redacted at capture: '{sensitive}' is a sensitive name, so its column holds {{\"__redacted\": \"name\"}}, not the value",
                    $"Capture something else, or, if this service may keep it, add it to 'allow: {{ names: [{sensitive}] }}'.");
            }
        }
    }

    /// <summary>Every column of a function table, in table order (built-ins, captured, raw companions, extra).</summary>
    public static IEnumerable<string> ColumnsOf(FunctionSpec function) =>
        ColumnNames.BuiltIns.Select(b => b.Name)
            .Concat(function.Captures.Select(c => c.Column))
            .Concat(function.Captures.Select(c => ColumnNames.Raw(c.Column)))
            .Concat(function.Columns.Select(c => c.Name));

    private static void CheckDuplicateFunctions(Spec spec, DiagnosticBag bag)
    {
        // Cache`1.Get and Cache<T>.Get are the same method, so compare normalized names.
        var seen = new Dictionary<string, FunctionSpec>(StringComparer.Ordinal);
        foreach (var function in spec.Functions)
        {
            var key = TypeNames.Normalize(function.Function);
            if (seen.TryGetValue(key, out var first))
            {
                bag.Error(function.FunctionSpan, $"function '{function.Function}' is listed twice (first at line {first.FunctionSpan.Line})",
                    "Merge the two entries' 'capture' and 'columns' into one.");
            }
            else
            {
                seen[key] = function;
            }
        }
    }

    /// <summary>Checks table names and returns the tables by name (case-insensitively, as DuckDB resolves them).</summary>
    private static Dictionary<string, TableEntry> CheckTableNames(Spec spec, DiagnosticBag bag)
    {
        var tables = new Dictionary<string, TableEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var function in spec.Functions)
        {
            var name = function.TableName;
            var at = function.TableNameSpan;
            if (function.Table is null && !Identifiers.IsSqlIdentifier(name))
            {
                bag.Error(at, $"the table name '{name}' derived from '{function.Function}' is not a plain SQL identifier",
                    "Name the table yourself with 'table:' (letters, digits and '_').");
                continue;
            }
            if (TableNames.IsReserved(name))
            {
                bag.Error(at, $"table name '{name}' is taken by the snapshot's own '{name}' table",
                    $"Add 'table: {AlternativeName(function)}' to this function.");
                continue;
            }
            if (tables.TryGetValue(name, out var first))
            {
                if (first.Function is { } other && ReferenceEquals(other, function)) continue;
                if (first.Function is { } firstFunction && TypeNames.Normalize(firstFunction.Function) == TypeNames.Normalize(function.Function))
                {
                    continue; // Already reported as a duplicate function.
                }
                var fix = function.Table is null
                    ? $"Add 'table: {AlternativeName(function)}' (or another unique name) to this function."
                    : "Choose another 'table:' name.";
                bag.Error(at, $"function '{function.Function}' gets table name '{name}', already used by {first.Describe()}", fix);
                continue;
            }
            tables[name] = new TableEntry(name, function, null);
        }

        foreach (var table in spec.Tables)
        {
            if (TableNames.IsReserved(table.Name))
            {
                bag.Error(table.NameSpan, $"table name '{table.Name}' is taken by the snapshot's own '{table.Name}' table", "Rename the derived table.");
            }
            else if (tables.TryGetValue(table.Name, out var first))
            {
                bag.Error(table.NameSpan, $"derived table '{table.Name}' has the name of {first.Describe()}", "Rename the derived table.");
            }
            else
            {
                tables[table.Name] = new TableEntry(table.Name, null, table);
            }
        }
        return tables;
    }

    /// <summary>A table name for the fix text: the namespace's last part in front (<c>B.Foo.Bar</c> → <c>B_Foo_Bar</c>).</summary>
    private static string AlternativeName(FunctionSpec function)
    {
        var segments = Identifiers.SplitDotted(function.Function);
        if (segments.Count >= 3)
        {
            var candidate = Identifiers.StripGenerics(segments[^3]) + "_" + TableNames.FromFunction(function.Function);
            if (Identifiers.IsSqlIdentifier(candidate)) return candidate;
        }
        return "my_table";
    }

    private static void CheckColumns(FunctionSpec function, DiagnosticBag bag)
    {
        // Owner descriptions by column name; case-insensitive because DuckDB resolves identifiers that way.
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var builtIn in ColumnNames.BuiltIns) owners[builtIn.Name] = $"the built-in column '{builtIn.Name}'";

        foreach (var capture in function.Captures)
        {
            var explicitName = capture.ColumnSpan != capture.ExprSpan;
            if (owners.TryGetValue(capture.Column, out var owner))
            {
                var fix = explicitName
                    ? "Choose another 'column:' name."
                    : $"Name the column yourself: '{{ expr: {capture.Expr}, column: {capture.Column}_value }}'.";
                bag.Error(capture.ColumnSpan, $"captured column '{capture.Column}' collides with {owner} in table '{function.TableName}'", fix);
                continue;
            }
            owners[capture.Column] = $"captured column '{capture.Column}' (line {capture.ColumnSpan.Line})";
            var raw = ColumnNames.Raw(capture.Column);
            if (owners.TryGetValue(raw, out var rawOwner))
            {
                bag.Error(capture.ColumnSpan, $"the hidden column '{raw}' of captured column '{capture.Column}' collides with {rawOwner}",
                    "Rename one of the two columns: every captured column 'x' also gets a hidden 'raw_x'.");
                continue;
            }
            owners[raw] = $"the hidden column '{raw}' of captured column '{capture.Column}'";
        }

        foreach (var column in function.Columns)
        {
            if (owners.TryGetValue(column.Name, out var owner))
            {
                bag.Error(column.NameSpan, $"extra column '{column.Name}' collides with {owner} in table '{function.TableName}'", "Rename the extra column.");
                continue;
            }
            owners[column.Name] = $"extra column '{column.Name}' (line {column.NameSpan.Line})";
            if (string.Equals(column.Name, ColumnNames.WaitingSince, StringComparison.OrdinalIgnoreCase) && !ColumnTypes.IsTimestamp(column.Type))
            {
                bag.Error(column.TypeSpan ?? column.NameSpan,
                    $"extra column '{column.Name}' gives its stack's wait start, so it must be a timestamp; its type is {(column.Type is null ? "not given" : $"'{column.Type}'")}",
                    "Add 'type: TimestampNanos' (Unix nanoseconds), TimestampTicks (.NET ticks), TIMESTAMP or TIMESTAMPTZ.");
            }
        }
    }

    private static void CheckLink(LinkSpec link, Dictionary<string, TableEntry> tables, DiagnosticBag bag)
    {
        CheckLinkEnd(link.From, "from", tables, bag);
        CheckLinkEnd(link.To, "to", tables, bag);
        if (link.From.Columns.Count != link.To.Columns.Count)
        {
            bag.Error(link.To.ColumnsSpan,
                $"link has {link.From.Columns.Count} key column(s) in 'from' but {link.To.Columns.Count} in 'to'",
                "List the same number of columns on both sides: they are compared pairwise, in order.");
        }
    }

    private static void CheckLinkEnd(LinkEndSpec end, string side, Dictionary<string, TableEntry> tables, DiagnosticBag bag)
    {
        if (!tables.TryGetValue(end.Table, out var table))
        {
            var fix = Wording.DidYouMean(StringDistance.Suggest(end.Table, tables.Keys))
                ?? (tables.Count == 0
                    ? "Define the table under 'functions:' (its table is <Type>_<Method>) or 'tables:'."
                    : $"Tables in this spec: {Wording.Alternatives(tables.Values.Select(t => t.Name).ToList(), "and")}.");
            bag.Error(end.TableSpan, $"link '{side}' names unknown table '{end.Table}'", fix);
            return;
        }
        // A derived table's columns are only known once its SQL is bound; the SQL binder covers those.
        if (table.Function is not { } function) return;
        var columns = ColumnsOf(function).ToList();
        foreach (var column in end.Columns)
        {
            if (columns.Contains(column.Name, StringComparer.OrdinalIgnoreCase)) continue;
            var fix = Wording.DidYouMean(StringDistance.Suggest(column.Name, columns))
                ?? $"Columns of '{table.Name}': {string.Join(", ", columns)}. Add an extra column under the function's 'columns:' for a new key.";
            bag.Error(column.Span, $"link '{side}' names unknown column '{column.Name}' of table '{table.Name}'", fix);
        }
    }

    private sealed record TableEntry(string Name, FunctionSpec? Function, DerivedTableSpec? Derived)
    {
        public string Describe() => Function is { } f
            ? $"function '{f.Function}' (line {f.FunctionSpan.Line})"
            : $"derived table '{Name}' (line {Derived!.NameSpan.Line})";
    }
}
