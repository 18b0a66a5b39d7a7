using Microsoft.Diagnostics.Runtime;
using Sideye.SpecCompiler;

namespace Sideye.Capture.Values;

/// <summary>
/// The redaction rules of one capture, with each type's verdict remembered (a type is sensitive when it or a base
/// type is on the list), shared by every value the capture renders. Redaction happens while rendering, so a redacted
/// value is never read, let alone written to a file, a log or an error message.
/// </summary>
internal sealed class Redactor(RedactionRules rules)
{
    private const string HeaderEntry = "System.Net.Http.Headers.HeaderEntry";
    private const string HeaderDescriptor = "System.Net.Http.Headers.HeaderDescriptor";
    private readonly Dictionary<ulong, bool> _sensitiveTypes = new();
    private readonly Dictionary<string, bool> _sensitiveNames = new(StringComparer.Ordinal);

    public RedactionRules Rules { get; } = rules;

    public bool IsSensitiveName(string name)
    {
        if (!_sensitiveNames.TryGetValue(name, out bool sensitive))
            _sensitiveNames[name] = sensitive = Rules.IsSensitiveName(name);
        return sensitive;
    }

    public bool IsSensitiveType(ClrType type)
    {
        if (!_sensitiveTypes.TryGetValue(type.MethodTable, out bool sensitive))
        {
            for (ClrType? t = type; t is not null && !sensitive; t = t.BaseType)
                sensitive = t.Name is string name && Rules.IsSensitiveType(name);
            _sensitiveTypes[type.MethodTable] = sensitive;
        }
        return sensitive;
    }

    /// <summary>An HttpClient header store's entry (<c>HeaderEntry</c>: a descriptor key and its value).</summary>
    public static bool IsHeaderEntry(ClrType type) => type.Name == HeaderEntry;

    public static bool IsHeaderDescriptor(ClrType? type) => type?.Name == HeaderDescriptor;
}
