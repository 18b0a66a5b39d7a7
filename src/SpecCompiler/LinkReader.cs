using YamlDotNet.RepresentationModel;

namespace Sideye.SpecCompiler;

/// <summary>Reads one entry of <c>links:</c>. Whether its tables and columns exist is checked later, with the whole spec.</summary>
internal sealed class LinkReader(YamlReader reader)
{
    public LinkSpec? Read(YamlNode node)
    {
        var map = reader.Mapping(node, "link", SpecKeys.Link,
            "Write each link as '- note: ...' with 'from: { table: A, columns: [x] }' and 'to: { table: B, columns: [y] }'.");
        if (map is null) return null;

        string? note = null;
        var noteOk = true;
        if (map.Optional("note") is { } noteNode)
        {
            note = reader.String(noteNode, "'note'");
            noteOk = note is not null;
        }
        var fromNode = map.Required("from", "Add 'from: { table: <table>, columns: [<column>] }'.");
        var from = fromNode is null ? null : ReadEnd(fromNode, "from");
        var toNode = map.Required("to", "Add 'to: { table: <table>, columns: [<column>] }'.");
        var to = toNode is null ? null : ReadEnd(toNode, "to");
        if (!noteOk || from is null || to is null) return null;
        return new LinkSpec(note, from, to, map.Span);
    }

    private LinkEndSpec? ReadEnd(YamlNode node, string side)
    {
        var map = reader.Mapping(node, $"link '{side}'", SpecKeys.LinkEnd, $"Write '{side}: {{ table: <table>, columns: [<column>] }}'.");
        if (map is null) return null;
        var tableNode = map.Required("table", "Add 'table:' with a function or derived table name, e.g. 'table: InfoService_GetInfo'.");
        var table = tableNode is null ? null : SqlNames.Read(reader, tableNode, "table");
        var columnsNode = map.Required("columns", "Add 'columns:' with the key columns, e.g. 'columns: [cs_addr]'.");
        if (table is null || columnsNode is null) return null;

        var items = reader.Sequence(columnsNode, $"link '{side}' 'columns'", "Write the key columns as a list, e.g. 'columns: [cs_addr]'.");
        if (items is null) return null;
        if (items.Count == 0)
        {
            reader.Error(columnsNode, $"link '{side}' has no key columns", "List at least one column, e.g. 'columns: [cs_addr]'.");
            return null;
        }
        var columns = new List<LinkColumnSpec>();
        foreach (var item in items)
        {
            var column = SqlNames.Read(reader, item, "column");
            if (column is not null) columns.Add(new LinkColumnSpec(column, reader.Span(item)));
        }
        if (columns.Count != items.Count) return null;
        return new LinkEndSpec(table, reader.Span(tableNode!), columns.ToEquatableArray(), reader.Span(columnsNode), map.Span);
    }
}
