using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Sideye.SpecCompiler;

/// <summary>
/// Typed reads from YAML nodes that report a positioned diagnostic instead of throwing, and return null
/// for a value that could not be read, so the caller moves on and the user sees every problem at once.
/// </summary>
internal sealed class YamlReader(string file, DiagnosticBag diagnostics)
{
    public string File { get; } = file;

    public DiagnosticBag Diagnostics { get; } = diagnostics;

    public SourceSpan Span(YamlNode node) =>
        new(File, (int)node.Start.Line, (int)node.Start.Column, (int)node.End.Line, (int)node.End.Column);

    public void Error(YamlNode node, string message, string? fix) => Diagnostics.Error(Span(node), message, fix);

    /// <summary>
    /// The node as a mapping whose keys are all in <paramref name="keys"/>; an unknown key is reported with
    /// the closest valid one. Null when the node is not a mapping.
    /// </summary>
    /// <param name="what">How messages name this mapping: "unknown key 'x' in {what}".</param>
    public MappingView? Mapping(YamlNode node, string what, IReadOnlyList<string> keys, string shapeFix)
    {
        if (node is not YamlMappingNode mapping)
        {
            Error(node, $"{what} must be a mapping of keys to values, found {Describe(node)}", shapeFix);
            return null;
        }
        var entries = new Dictionary<string, KeyValuePair<YamlScalarNode, YamlNode>>(StringComparer.Ordinal);
        var clean = true;
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } scalarKey)
            {
                Error(key, $"a key in {what} must be a plain name, found {Describe(key)}", $"Valid keys: {Wording.Alternatives(keys, "and")}.");
                clean = false;
                continue;
            }
            if (!keys.Contains(name))
            {
                var fix = Wording.DidYouMean(StringDistance.Suggest(name, keys, 1)) ?? $"Valid keys: {Wording.Alternatives(keys, "and")}.";
                Error(key, $"unknown key '{name}' in {what}", fix);
                clean = false;
                continue;
            }
            entries[name] = new(scalarKey, value);
        }
        return new MappingView(this, mapping, what, entries, clean);
    }

    /// <summary>The items of a list; an absent value (<c>key:</c> with nothing after it) is an empty list.</summary>
    public IReadOnlyList<YamlNode>? Sequence(YamlNode node, string what, string shapeFix)
    {
        if (IsNull(node)) return [];
        if (node is YamlSequenceNode sequence) return sequence.Children.ToList();
        Error(node, $"{what} must be a list, found {Describe(node)}", shapeFix);
        return null;
    }

    /// <summary>A non-empty text value.</summary>
    public string? String(YamlNode node, string what)
    {
        if (node is not YamlScalarNode scalar)
        {
            Error(node, $"{what} must be a single value, found {Describe(node)}", "Write it on the same line after the ':' (quote it if it contains ': ' or starts with '{' or '[').");
            return null;
        }
        if (IsNull(node) || string.IsNullOrWhiteSpace(scalar.Value))
        {
            Error(node, $"{what} has no value", "Write the value after the ':'.");
            return null;
        }
        return scalar.Value!.Trim();
    }

    public bool? Bool(YamlNode node, string what)
    {
        var text = String(node, what);
        if (text is null) return null;
        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase)) return true;
        if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase)) return false;
        Error(node, $"{what} must be true or false, found '{text}'", "Write true or false.");
        return null;
    }

    public int? PositiveInt(YamlNode node, string what)
    {
        var text = String(node, what);
        if (text is null) return null;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Error(node, $"{what} must be a whole number, found '{text}'", "Write a positive whole number, e.g. 64.");
            return null;
        }
        if (value <= 0)
        {
            Error(node, $"{what} must be positive, found {value}", "Write a number of at least 1; leave the key out for the default.");
            return null;
        }
        return value;
    }

    /// <summary>True for an empty value or an explicit YAML null (<c>~</c>, <c>null</c>) written without quotes.</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) } scalar
        && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "no value",
        YamlScalarNode { Value: { } value } => $"'{(value.Length > 40 ? value[..40] + "..." : value)}'",
        _ => "an unsupported node",
    };
}
