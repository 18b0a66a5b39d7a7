using YamlDotNet.RepresentationModel;

namespace Sideye.SpecCompiler;

/// <summary>A mapping whose keys were checked by <see cref="YamlReader.Mapping"/>: look-ups by key, with missing required keys reported.</summary>
internal sealed class MappingView(
    YamlReader reader,
    YamlMappingNode node,
    string what,
    IReadOnlyDictionary<string, KeyValuePair<YamlScalarNode, YamlNode>> entries,
    bool allKeysKnown)
{
    public YamlMappingNode Node { get; } = node;

    public SourceSpan Span => reader.Span(Node);

    /// <summary>False when a key was reported as unknown; then hints about what is missing would be noise (it is probably misspelled).</summary>
    public bool AllKeysKnown { get; } = allKeysKnown;

    public YamlNode? Optional(string key) => entries.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>The value of a key that must be present; a missing one is reported at the start of the mapping.</summary>
    public YamlNode? Required(string key, string fix)
    {
        var value = Optional(key);
        if (value is null) reader.Error(Node, $"{what} is missing required key '{key}'", fix);
        return value;
    }
}
