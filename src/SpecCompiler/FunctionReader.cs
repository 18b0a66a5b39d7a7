using YamlDotNet.RepresentationModel;

namespace Sideye.SpecCompiler;

/// <summary>Reads one entry of <c>functions:</c>, with the checks that need nothing but the entry itself.</summary>
internal sealed class FunctionReader(YamlReader reader)
{
    public FunctionSpec? Read(YamlNode node)
    {
        var map = reader.Mapping(node, "function", SpecKeys.Function,
            "Write each function as a mapping: '- function: Namespace.Type.Method' with 'capture:' below it.");
        if (map is null) return null;

        var ok = true;
        string? function = null;
        SourceSpan functionSpan = map.Span;
        if (map.Required("function", "Add 'function: Namespace.Type.Method', e.g. 'function: SlowRpc.Server.InfoService.GetInfo'.") is { } functionNode)
        {
            functionSpan = reader.Span(functionNode);
            function = ReadFunctionName(functionNode);
        }
        ok &= function is not null;

        string? table = null;
        SourceSpan? tableSpan = null;
        if (map.Optional("table") is { } tableNode)
        {
            tableSpan = reader.Span(tableNode);
            table = ReadSqlName(tableNode, "table");
            ok &= table is not null;
        }

        var captures = new List<CaptureSpec>();
        if (map.Optional("capture") is { } captureNode)
        {
            var items = reader.Sequence(captureNode, "'capture'", "Write one variable per line as '- name', or a list '[request, cs]'.");
            ok &= items is not null;
            foreach (var item in items ?? [])
            {
                var capture = ReadCapture(item);
                if (capture is null) ok = false;
                else captures.Add(capture);
            }
        }

        var columns = new List<ExtraColumnSpec>();
        if (map.Optional("columns") is { } columnsNode)
        {
            var items = reader.Sequence(columnsNode, "'columns'", "Write each extra column as '- { name: x, sql: \"...\" }'.");
            ok &= items is not null;
            foreach (var item in items ?? [])
            {
                var column = ReadExtraColumn(item);
                if (column is null) ok = false;
                else columns.Add(column);
            }
        }

        if (!ok || function is null) return null;
        if (captures.Count == 0 && map.AllKeysKnown)
        {
            reader.Diagnostics.Warning(functionSpan, $"function '{function}' captures no variables; its table only has the built-in columns",
                "Add 'capture:' with the arguments or locals to record, e.g. 'capture: [request]'.");
        }
        return new FunctionSpec(function, functionSpan, table, tableSpan, captures.ToEquatableArray(), columns.ToEquatableArray(), map.Span);
    }

    private string? ReadFunctionName(YamlNode node)
    {
        var name = reader.String(node, "'function'");
        if (name is null) return null;
        var segments = Identifiers.SplitDotted(name);
        if (segments.Count >= 2 && segments.All(Identifiers.IsNameSegment)) return name;

        string fix;
        if (name.Contains('('))
            fix = "Leave out the parameter list: every overload of the method is captured.";
        else if (name.Contains('+') || name.Contains('/'))
            fix = $"Write nested types with dots, as in C#: '{name.Replace('+', '.').Replace('/', '.')}'.";
        else if (name.Contains("::", StringComparison.Ordinal))
            fix = $"Write the method with a dot: '{name.Replace("::", ".", StringComparison.Ordinal)}'.";
        else if (segments.Count < 2)
            fix = "Include the type: Namespace.Type.Method, e.g. SlowRpc.Server.InfoService.GetInfo.";
        else
            fix = "Write Namespace.Type.Method with C# identifiers, e.g. SlowRpc.Server.InfoService.GetInfo.";
        reader.Error(node, $"'{name}' is not a method name", fix);
        return null;
    }

    private CaptureSpec? ReadCapture(YamlNode node)
    {
        YamlNode exprNode;
        YamlNode? columnNode = null;
        if (node is YamlScalarNode)
        {
            exprNode = node;
        }
        else
        {
            var map = reader.Mapping(node, "capture item", SpecKeys.Capture,
                "Write a variable name ('- request') or '- { expr: cs.Mu.Processing, column: processing }'.");
            if (map is null) return null;
            var required = map.Required("expr", "Add 'expr:' with the variable or field path to capture, e.g. 'expr: cs.Mu.Processing'.");
            if (required is null) return null;
            exprNode = required;
            columnNode = map.Optional("column");
        }

        var expr = ReadExpr(exprNode);
        string? column;
        SourceSpan columnSpan;
        if (columnNode is not null)
        {
            column = ReadSqlName(columnNode, "column");
            columnSpan = reader.Span(columnNode);
        }
        else
        {
            columnSpan = reader.Span(exprNode);
            column = expr is null ? null : ColumnNames.FromExpr(expr);
            if (column is not null && !Identifiers.IsSqlIdentifier(column))
            {
                reader.Error(exprNode, $"cannot derive a column name from '{expr}' (got '{column}', not a plain SQL identifier)",
                    "Name the column yourself: '{ expr: " + expr + ", column: my_column }'.");
                column = null;
            }
        }
        return expr is null || column is null ? null : new CaptureSpec(expr, reader.Span(exprNode), column, columnSpan);
    }

    private string? ReadExpr(YamlNode node)
    {
        var expr = reader.String(node, "capture 'expr'");
        if (expr is null) return null;
        var segments = expr.Split('.');
        if (segments.All(Identifiers.IsCSharpIdentifier)) return expr;
        var fix = expr.IndexOfAny(['[', '(']) >= 0
            ? "Indexers and calls are not evaluated: capture the object (or collection) and pick the part in an extra column's SQL."
            : "Write a variable name, optionally followed by .Field or .Property, e.g. 'cs.Mu.Processing'.";
        reader.Error(node, $"'{expr}' is not a variable or field path", fix);
        return null;
    }

    private ExtraColumnSpec? ReadExtraColumn(YamlNode node)
    {
        var map = reader.Mapping(node, "column", SpecKeys.Column, "Write each extra column as '- { name: x, sql: \"...\" }'.");
        if (map is null) return null;

        var nameNode = map.Required("name", "Add 'name:' with the column's name, e.g. 'name: cs_addr'.");
        var name = nameNode is null ? null : ReadSqlName(nameNode, "column");
        var sqlNode = map.Required("sql", "Add 'sql:' with an expression over the captured columns, e.g. 'sql: \"raw_cs->'__addr'\"'.");
        var sql = sqlNode is null ? null : reader.String(sqlNode, "'sql'");

        string? type = null;
        SourceSpan? typeSpan = null;
        var typeOk = true;
        if (map.Optional("type") is { } typeNode)
        {
            typeSpan = reader.Span(typeNode);
            type = ReadType(typeNode);
            typeOk = type is not null;
        }

        var visible = true;
        var visibleOk = true;
        if (map.Optional("visible") is { } visibleNode)
        {
            var value = reader.Bool(visibleNode, "'visible'");
            visibleOk = value is not null;
            visible = value ?? true;
        }

        if (name is null || sql is null || !typeOk || !visibleOk) return null;
        return new ExtraColumnSpec(name, reader.Span(nameNode!), sql, reader.Span(sqlNode!), type, typeSpan, visible, map.Span);
    }

    private string? ReadType(YamlNode node)
    {
        var text = reader.String(node, "'type'");
        if (text is null) return null;
        if (ColumnTypes.TryNormalize(text, out var canonical)) return canonical;
        var fix = Wording.DidYouMean(StringDistance.Suggest(text, ColumnTypes.All, 2))
            ?? $"Use {Wording.Alternatives(ColumnTypes.Semantic)}, or a SQL type such as BIGINT, DOUBLE, VARCHAR, BOOLEAN or JSON.";
        reader.Error(node, $"unknown column type '{text}'", fix);
        return null;
    }

    /// <summary>A table or column name: it must be usable in SQL without quotes.</summary>
    private string? ReadSqlName(YamlNode node, string kind) => SqlNames.Read(reader, node, kind);
}
