using YamlDotNet.RepresentationModel;

namespace Sideye.SpecCompiler;

/// <summary>Reads one entry of <c>tables:</c>.</summary>
internal sealed class DerivedTableReader(YamlReader reader)
{
    public DerivedTableSpec? Read(YamlNode node)
    {
        var map = reader.Mapping(node, "table", SpecKeys.Table, "Write each derived table as '- { name: busy_clients, sql: \"SELECT ...\" }'.");
        if (map is null) return null;
        var nameNode = map.Required("name", "Add 'name:' with the table's name, e.g. 'name: busy_clients'.");
        var name = nameNode is null ? null : SqlNames.Read(reader, nameNode, "table");
        var sqlNode = map.Required("sql", "Add 'sql:' with a SELECT over function tables, e.g. 'sql: \"SELECT * FROM InfoService_GetInfo\"'.");
        var sql = sqlNode is null ? null : reader.String(sqlNode, "'sql'");
        if (name is null || sql is null) return null;
        return new DerivedTableSpec(name, reader.Span(nameNode!), sql, reader.Span(sqlNode!), map.Span);
    }
}
