using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>Field names as users write them: auto-property backing fields and captured primary-constructor parameters under their own names.</summary>
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
            foreach (ClrInstanceField field in t.Fields)
            {
                string display = Display(field.Name ?? "field@" + field.Offset.ToString(CultureInfo.InvariantCulture));
                if (!seen.Add(display))
                {
                    display = $"{display}@{field.ContainingType?.Name ?? field.Offset.ToString(CultureInfo.InvariantCulture)}";
                    seen.Add(display);
                }

                result.Add((display, field));
            }

            return result;
        });

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
