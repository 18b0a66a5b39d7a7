using YamlDotNet.RepresentationModel;

namespace Sideye.SpecCompiler;

/// <summary>
/// Reads <c>redact: { names: [...], types: [...] }</c> (more to redact than the built-in list) and
/// <c>allow: { names: [...] }</c> (names the built-in list would redact that this service may capture).
/// </summary>
internal sealed class RedactionReader(YamlReader reader)
{
    public RedactionRules? Read(YamlNode? redact, YamlNode? allow)
    {
        List<(string Text, YamlNode Node)>? names = [], types = [], allowed = [];
        if (redact is not null && !YamlReader.IsNull(redact))
        {
            var map = reader.Mapping(redact, "redact", SpecKeys.Redact, "Write 'redact: { names: [ssn, pin_code], types: [MyApp.Secrets] }'.");
            if (map is null) return null;
            names = Names(map.Optional("names"), "'names' in redact", isType: false);
            types = Names(map.Optional("types"), "'types' in redact", isType: true);
        }
        if (allow is not null && !YamlReader.IsNull(allow))
        {
            var map = reader.Mapping(allow, "allow", SpecKeys.Allow, "Write 'allow: { names: [token_count] }'.");
            if (map is null) return null;
            allowed = Names(map.Optional("names"), "'names' in allow", isType: false);
            foreach (var (name, node) in allowed ?? [])
            {
                if (!RedactionRules.Default.IsSensitiveName(name))
                {
                    reader.Diagnostics.Warning(reader.Span(node), $"'{name}' in allow is not redacted by the built-in list, so allowing it changes nothing",
                        "Remove it, or check its spelling against the names your captures use.");
                }
            }
        }
        if (names is null || types is null || allowed is null) return null;
        return new RedactionRules(Texts(names), Texts(types), Texts(allowed));
    }

    private static EquatableArray<string> Texts(List<(string Text, YamlNode Node)> items) => items.Select(i => i.Text).ToEquatableArray();

    private List<(string Text, YamlNode Node)>? Names(YamlNode? node, string what, bool isType)
    {
        if (node is null) return [];
        var items = reader.Sequence(node, what, isType ? "Write 'types: [MyApp.Secrets, MyApp.ApiKey]'." : "Write 'names: [ssn, pin_code]'.");
        if (items is null) return null;
        var result = new List<(string, YamlNode)>();
        foreach (var item in items)
        {
            var text = reader.String(item, $"an entry of {what}");
            if (text is null) return null;
            bool valid = isType
                ? Identifiers.SplitDotted(text).All(Identifiers.IsNameSegment)
                : RedactionRules.Normalize(text).Length > 0;
            if (!valid)
            {
                reader.Error(item, isType ? $"'{text}' is not a type name" : $"'{text}' has no letters or digits to match a name by",
                    isType ? "Write the type's full C# name, e.g. 'MyApp.Secrets'." : "Write the name as the code spells it, e.g. 'pin_code' or 'PinCode'.");
                return null;
            }
            result.Add((text, item));
        }
        return result;
    }
}
