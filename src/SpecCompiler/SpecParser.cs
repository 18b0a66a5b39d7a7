using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sideye.SpecCompiler;

/// <summary>
/// YAML text to <see cref="Spec"/>. Uses YamlDotNet's representation model rather than deserializing
/// to objects, because every node keeps its line and column, so every error can point at its cause.
/// </summary>
internal static partial class SpecParser
{
    public static SpecParseResult Parse(string yaml, string file)
    {
        var diagnostics = new DiagnosticBag();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var (line, column) = SyntaxPosition(e, yaml);
            diagnostics.Error(SourceSpan.At(file, line, column), SyntaxMessage(e), SyntaxFix(e));
            return new SpecParseResult(null, diagnostics.ToList());
        }

        if (stream.Documents.Count == 0 || YamlReader.IsNull(stream.Documents[0].RootNode))
        {
            return new SpecParseResult(Spec.Empty(file), []);
        }
        var reader = new YamlReader(file, diagnostics);
        if (stream.Documents.Count > 1)
        {
            reader.Error(stream.Documents[1].RootNode, "a spec file holds one YAML document, found a second one",
                "Remove the '---' separator and merge the documents.");
        }

        var spec = ReadRoot(reader, stream.Documents[0].RootNode);
        if (spec is not null && !diagnostics.HasErrors)
        {
            // Cross-entry checks only on a complete model: on a partial one, entries dropped for their
            // own errors would show up again as "unknown table" and similar noise.
            diagnostics.AddRange(StaticChecks.Run(spec));
        }
        return new SpecParseResult(diagnostics.HasErrors ? null : spec, diagnostics.ToList());
    }

    private static Spec? ReadRoot(YamlReader reader, YamlNode root)
    {
        var map = reader.Mapping(root, "the spec (top level)", SpecKeys.Root,
            "Start the file with 'functions:', 'tables:', 'links:', 'limits:', 'builtins:', 'redact:' or 'allow:'.");
        if (map is null) return null;

        var functions = ReadList(reader, map.Optional("functions"), "'functions'",
            "Write each function as '- function: Namespace.Type.Method'.", new FunctionReader(reader).Read);
        var tables = ReadList(reader, map.Optional("tables"), "'tables'",
            "Write each derived table as '- { name: busy_clients, sql: \"SELECT ...\" }'.", new DerivedTableReader(reader).Read);
        var links = ReadList(reader, map.Optional("links"), "'links'",
            "Write each link as '- note: ...' with 'from:' and 'to:'.", new LinkReader(reader).Read);
        var limits = map.Optional("limits") is { } limitsNode ? new LimitsReader(reader).Read(limitsNode) : LimitsSpec.Default;
        var builtIns = map.Optional("builtins") is { } builtInsNode ? reader.Bool(builtInsNode, "'builtins'") : true;
        var redaction = new RedactionReader(reader).Read(map.Optional("redact"), map.Optional("allow"));

        if (functions is not { } f || tables is not { } t || links is not { } l || limits is null || builtIns is not bool b || redaction is null) return null;
        return new Spec(reader.File, f, t, l, limits) { BuiltIns = b, Redaction = redaction };
    }

    private static EquatableArray<T>? ReadList<T>(YamlReader reader, YamlNode? node, string what, string shapeFix, Func<YamlNode, T?> readItem)
        where T : class
    {
        if (node is null) return EquatableArray<T>.Empty;
        var items = reader.Sequence(node, what, shapeFix);
        if (items is null) return null;
        var result = new List<T>();
        var ok = true;
        foreach (var item in items)
        {
            var value = readItem(item);
            if (value is null) ok = false;
            else result.Add(value);
        }
        return ok ? result.ToEquatableArray() : null;
    }

    /// <summary>
    /// Where a syntax error is. YamlDotNet reports a tab in indentation at the start of the enclosing
    /// mapping, which can be far away; the first tab-indented line after it is what needs fixing.
    /// </summary>
    private static (int Line, int Column) SyntaxPosition(YamlException e, string yaml)
    {
        var line = (int)e.Start.Line;
        var column = (int)e.Start.Column;
        if (!e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase)) return (line, column);
        var lines = yaml.Split('\n');
        for (var i = Math.Max(0, line - 1); i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0) return (i + 1, tab + 1);
        }
        return (line, column);
    }

    /// <summary>YamlDotNet prefixes its messages with the positions, which the diagnostic already carries.</summary>
    private static string SyntaxMessage(YamlException e)
    {
        var text = PositionPrefix().Replace(e.Message, "").Trim().TrimEnd('.');
        if (text.Length == 0) text = "invalid YAML";
        var duplicate = DuplicateKey().Match(text);
        if (duplicate.Success) return $"YAML syntax: duplicate key '{duplicate.Groups[1].Value}'";
        return "YAML syntax: " + char.ToLowerInvariant(text[0]) + text[1..];
    }

    private static string SyntaxFix(YamlException e)
    {
        if (e.Message.Contains("Duplicate key", StringComparison.OrdinalIgnoreCase))
            return "Each key may appear once per mapping: remove or merge the repeated one.";
        if (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
            return "Indent with spaces, not tabs.";
        return "Check the indentation, a missing ':' after a key, and unclosed quotes or brackets on this line or the one before. " +
               "Quote values that contain ': ' or start with '{', '[', '*', '&' or '!'.";
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();

    [GeneratedRegex("^Duplicate key (.+)$")]
    private static partial Regex DuplicateKey();
}
