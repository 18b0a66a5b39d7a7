using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// Field names as users write them: auto-property backing fields and captured primary-constructor parameters
/// under their own names, and protobuf message fields (<c>clientId_</c> behind a generated <c>ClientId</c>
/// property) under their property's name, so <c>request->'ClientId'</c> reads as the code does.
/// </summary>
internal static class FieldNames
{
    private const string BackingFieldSuffix = ">k__BackingField";

    private static readonly ConditionalWeakTable<ClrType, IReadOnlyList<(string Name, ClrInstanceField Field)>> Cache = new();

    /// <summary><c>&lt;Name&gt;k__BackingField</c> → <c>Name</c>; <c>&lt;name&gt;P</c> (primary constructor) → <c>name</c>; others unchanged.</summary>
    public static string Display(string name)
    {
        if (name.Length > 1 && name[0] == '<')
        {
            if (name.EndsWith(BackingFieldSuffix, StringComparison.Ordinal) && name.Length > BackingFieldSuffix.Length + 1)
                return name[1..^BackingFieldSuffix.Length];
            if (name.EndsWith(">P", StringComparison.Ordinal) && name.Length > 3 && name.IndexOf('>') == name.Length - 2)
                return name[1..^2];
        }

        return name;
    }

    /// <summary>The instance fields of <paramref name="type"/> with display names, made unique (a hidden base field becomes "Name@Base.Type").</summary>
    public static IReadOnlyList<(string Name, ClrInstanceField Field)> Of(ClrType type) =>
        Cache.GetValue(type, static t =>
        {
            var result = new List<(string, ClrInstanceField)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            bool? protobuf = null;
            foreach (ClrInstanceField field in t.Fields)
            {
                string display = Display(field.Name ?? "field@" + field.Offset.ToString(CultureInfo.InvariantCulture));
                if (PropertyNameOf(display) is { } property && (protobuf ??= IsProtobufMessage(t)))
                    display = property;
                if (!seen.Add(display))
                {
                    display = $"{display}@{field.ContainingType?.Name ?? field.Offset.ToString(CultureInfo.InvariantCulture)}";
                    seen.Add(display);
                }

                result.Add((display, field));
            }

            return result;
        });

    /// <summary><c>clientId_</c> → <c>ClientId</c>: the property name protobuf's C# generator gives a field; null for other names.</summary>
    internal static string? PropertyNameOf(string field) =>
        field.Length > 1 && field[^1] == '_' && char.IsLower(field[0]) && field.IndexOf('<') < 0
            ? char.ToUpperInvariant(field[0]) + field[1..^1]
            : null;

    /// <summary>
    /// Whether <paramref name="type"/> implements <c>Google.Protobuf.IMessage</c>: its <c>x_</c> fields then each have
    /// a property <c>X</c>, by the generator's construction. Other types keep their field names (listing a type's
    /// methods would ask the DAC for data a running process may be changing).
    /// </summary>
    private static bool IsProtobufMessage(ClrType type)
    {
        try
        {
            return type.EnumerateInterfaces().Any(i => i.Name == "Google.Protobuf.IMessage");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false; // interfaces unreadable: the fields keep their own names
        }
    }

    /// <summary>Finds the field a user means by <paramref name="name"/>: its display name, else its metadata name.</summary>
    public static ClrInstanceField? Find(ClrType type, string name)
    {
        foreach ((string display, ClrInstanceField field) in Of(type))
        {
            if (display == name)
                return field;
        }

        foreach ((_, ClrInstanceField field) in Of(type))
        {
            if (field.Name == name)
                return field;
        }

        return null;
    }
}
