using YamlDotNet.RepresentationModel;

namespace Sideye.SpecCompiler;

/// <summary>Reads <c>limits:</c>: the spec-wide budgets and the per-type overrides under <c>types:</c>.</summary>
internal sealed class LimitsReader(YamlReader reader)
{
    public LimitsSpec? Read(YamlNode node)
    {
        if (YamlReader.IsNull(node)) return LimitsSpec.Default;
        var map = reader.Mapping(node, "limits", SpecKeys.Limits, "Write 'limits: { max_string_bytes: 512, max_collection_items: 64, max_depth: 4 }'.");
        if (map is null) return null;

        var ok = TryRead(map, out var stringBytes, out var items, out var depth);
        var defaults = CaptureLimits.Default with
        {
            MaxStringBytes = stringBytes ?? CaptureLimits.Default.MaxStringBytes,
            MaxCollectionItems = items ?? CaptureLimits.Default.MaxCollectionItems,
            MaxDepth = depth ?? CaptureLimits.Default.MaxDepth,
        };

        var types = new List<TypeLimitsSpec>();
        if (map.Optional(SpecKeys.Types) is { } typesNode && !YamlReader.IsNull(typesNode))
        {
            var typesMap = typesNode as YamlMappingNode;
            if (typesMap is null)
            {
                reader.Error(typesNode, $"'types' in limits must be a mapping from type name to limits, found {YamlReader.Describe(typesNode)}",
                    "Write 'types: { SlowRpc.Server.ClientState: { max_depth: 2 } }'.");
                return null;
            }
            foreach (var (key, value) in typesMap.Children)
            {
                var entry = ReadType(key, value, types);
                if (entry is null) ok = false;
                else types.Add(entry);
            }
        }
        if (!ok) return null;
        // Sorted so that the plan (which carries these) does not change when entries are reordered.
        return new LimitsSpec(defaults, types.OrderBy(t => t.Type, StringComparer.Ordinal).ToEquatableArray());
    }

    private TypeLimitsSpec? ReadType(YamlNode key, YamlNode value, List<TypeLimitsSpec> seen)
    {
        var name = reader.String(key, "type name in limits");
        if (name is null) return null;
        if (!Identifiers.SplitDotted(name).All(Identifiers.IsNameSegment))
        {
            reader.Error(key, $"'{name}' is not a type name", "Write the type's full C# name, e.g. 'System.Collections.Generic.List' or 'SlowRpc.Server.ClientState'.");
            return null;
        }
        var normalized = TypeNames.Normalize(name);
        if (seen.FirstOrDefault(t => t.Type == normalized) is { } earlier)
        {
            reader.Error(key, $"limits for type '{normalized}' are given twice (first at line {earlier.TypeSpan.Line})",
                "Merge the two entries: generic arguments are ignored, so 'List' and 'List<T>' are the same type.");
            return null;
        }
        var map = reader.Mapping(value, $"limits for '{name}'", SpecKeys.TypeLimits, $"Write '{name}: {{ max_collection_items: 8 }}'.");
        if (map is null) return null;
        if (!TryRead(map, out var stringBytes, out var items, out var depth)) return null;
        if (stringBytes is null && items is null && depth is null)
        {
            reader.Error(value, $"limits for '{name}' set nothing", $"Set at least one of {Wording.Alternatives(SpecKeys.TypeLimits)}, or remove the entry.");
            return null;
        }
        return new TypeLimitsSpec(normalized, reader.Span(key), stringBytes, items, depth);
    }

    private bool TryRead(MappingView map, out int? stringBytes, out int? items, out int? depth)
    {
        var ok = true;
        stringBytes = Read(map, SpecKeys.MaxStringBytes, ref ok);
        items = Read(map, SpecKeys.MaxCollectionItems, ref ok);
        depth = Read(map, SpecKeys.MaxDepth, ref ok);
        return ok;
    }

    private int? Read(MappingView map, string key, ref bool ok)
    {
        if (map.Optional(key) is not { } node) return null;
        var value = reader.PositiveInt(node, $"'{key}'");
        ok &= value is not null;
        return value;
    }
}
