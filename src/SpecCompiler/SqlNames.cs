using YamlDotNet.RepresentationModel;

namespace Sideye.SpecCompiler;

/// <summary>Reads table and column names, which must be plain SQL identifiers.</summary>
internal static class SqlNames
{
    public static string? Read(YamlReader reader, YamlNode node, string kind)
    {
        var name = reader.String(node, $"{kind} name");
        if (name is null) return null;
        if (Identifiers.IsSqlIdentifier(name)) return name;
        var suggestion = name.Replace('-', '_').Replace(' ', '_');
        var fix = Identifiers.IsSqlIdentifier(suggestion)
            ? $"Use letters, digits and '_' only, not starting with a digit, e.g. '{suggestion}'."
            : "Use letters, digits and '_' only, not starting with a digit.";
        reader.Error(node, $"{kind} name '{name}' is not a plain SQL identifier", fix);
        return null;
    }
}
