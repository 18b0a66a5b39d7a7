using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sideye.Capture.Values;

/// <summary>
/// Writes the plain and the raw JSON of one value side by side, so the target is read once for both. The raw
/// writer additionally gets <c>__addr</c> / <c>__type</c> on objects, collections wrapped as
/// <c>{"__addr","__type","__count","__items"}</c>, and reference markers as objects instead of strings.
/// </summary>
internal sealed class JsonPair : IDisposable
{
    /// <summary>Starts every cut marker, e.g. <c>"xxxx…(5000 chars, cut)"</c> or <c>"…(1000 items)"</c>.</summary>
    public const string Ellipsis = "\u2026";

    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly ArrayBufferWriter<byte> _plainBuffer = new(256);
    private readonly ArrayBufferWriter<byte> _rawBuffer = new(512);
    private readonly Utf8JsonWriter _plain;
    private readonly Utf8JsonWriter _raw;

    public JsonPair()
    {
        _plain = new Utf8JsonWriter(_plainBuffer, Options);
        _raw = new Utf8JsonWriter(_rawBuffer, Options);
    }

    public void Null()
    {
        _plain.WriteNullValue();
        _raw.WriteNullValue();
    }

    public void Bool(bool value)
    {
        _plain.WriteBooleanValue(value);
        _raw.WriteBooleanValue(value);
    }

    public void Number(long value)
    {
        _plain.WriteNumberValue(value);
        _raw.WriteNumberValue(value);
    }

    public void Number(ulong value)
    {
        _plain.WriteNumberValue(value);
        _raw.WriteNumberValue(value);
    }

    public void Number(decimal value)
    {
        _plain.WriteNumberValue(value);
        _raw.WriteNumberValue(value);
    }

    /// <summary>Finite doubles as shortest round-trip numbers; NaN and infinities as the strings "NaN", "Infinity", "-Infinity".</summary>
    public void Number(double value)
    {
        if (double.IsFinite(value))
        {
            _plain.WriteNumberValue(value);
            _raw.WriteNumberValue(value);
        }
        else
        {
            String(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    public void Number(float value)
    {
        if (float.IsFinite(value))
        {
            _plain.WriteNumberValue(value);
            _raw.WriteNumberValue(value);
        }
        else
        {
            String(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A string read from the target; one that carries a credential on its face (<see cref="Sideye.SpecCompiler.RedactionRules.IsSensitiveText"/>) is redacted.</summary>
    public void String(string value) => TargetString(value, null, null);

    /// <summary>
    /// A string object's text, checked once: a credential on its face becomes the marker, raw keeping the string's
    /// <paramref name="address"/> and <paramref name="typeName"/>.
    /// </summary>
    public void TargetString(string value, ulong? address, string? typeName)
    {
        if (Sideye.SpecCompiler.RedactionRules.IsSensitiveText(value))
        {
            Redacted(Sideye.SpecCompiler.RedactionRules.ByValue, address, typeName);
            return;
        }
        string safe = Sanitize(value);
        _plain.WriteStringValue(safe);
        _raw.WriteStringValue(safe);
    }

    /// <summary>The same string in both forms (markers such as <c>"…(budget)"</c>).</summary>
    public void Marker(string text)
    {
        _plain.WriteStringValue(text);
        _raw.WriteStringValue(text);
    }

    /// <summary>A number too large for the writer's types (Int128), given as its invariant digits.</summary>
    public void RawNumber(string digits)
    {
        _plain.WriteRawValue(digits, skipInputValidation: false);
        _raw.WriteRawValue(digits, skipInputValidation: false);
    }

    /// <summary>A key/value pair of a non-string-keyed dictionary: <c>{"key": …, "value": …}</c> in both forms, no identity.</summary>
    public void StartPair()
    {
        _plain.WriteStartObject();
        _raw.WriteStartObject();
    }

    public void Property(string name)
    {
        string safe = Sanitize(name);
        _plain.WritePropertyName(safe);
        _raw.WritePropertyName(safe);
    }

    /// <summary>An object (heap object or struct): raw gets <c>__addr</c> (null for a register-only struct) and <c>__type</c>.</summary>
    public void StartObject(ulong? address, string? typeName)
    {
        _plain.WriteStartObject();
        _raw.WriteStartObject();
        WriteIdentity(address, typeName);
    }

    public void EndObject()
    {
        _plain.WriteEndObject();
        _raw.WriteEndObject();
    }

    /// <summary>
    /// A collection: plain is a JSON array (an object when <paramref name="keyed"/>, for string-keyed dictionaries);
    /// raw wraps it as <c>{"__addr","__type","__count","__items": [...] or {...}}</c>.
    /// </summary>
    public void StartCollection(ulong? address, string? typeName, long count, bool keyed)
    {
        if (keyed)
            _plain.WriteStartObject();
        else
            _plain.WriteStartArray();

        _raw.WriteStartObject();
        WriteIdentity(address, typeName);
        _raw.WriteNumber("__count", count);
        _raw.WritePropertyName("__items");
        if (keyed)
            _raw.WriteStartObject();
        else
            _raw.WriteStartArray();
    }

    /// <summary>Closes a collection; when items were left out, plain ends with the marker <c>"…(N items)"</c> (keyed: property "…").</summary>
    public void EndCollection(bool keyed, long count, int written)
    {
        if (written < count)
        {
            string marker = $"{Ellipsis}({count} items)";
            if (keyed)
                _plain.WriteString(Ellipsis, marker);
            else
                _plain.WriteStringValue(marker);
        }

        if (keyed)
        {
            _plain.WriteEndObject();
            _raw.WriteEndObject();
        }
        else
        {
            _plain.WriteEndArray();
            _raw.WriteEndArray();
        }

        _raw.WriteEndObject();
    }

    /// <summary>
    /// A reference not followed (<paramref name="why"/>: "cycle", "depth" or "budget"): plain gets the string
    /// <c>"…(cycle Type)"</c>; raw gets <c>{"__addr","__type","__cut": why}</c>.
    /// </summary>
    public void Reference(ulong address, string? typeName, string why)
    {
        _plain.WriteStringValue($"{Ellipsis}({why} {typeName ?? "?"})");
        _raw.WriteStartObject();
        WriteIdentity(address, typeName);
        _raw.WriteString("__cut", why);
        _raw.WriteEndObject();
    }

    /// <summary>
    /// A value replaced before it was read (see <see cref="Sideye.SpecCompiler.RedactionRules"/>): plain
    /// <c>{"__redacted": reason}</c>; raw keeps where and what it was, <c>{"__addr", "__type", "__redacted"}</c>, never the value.
    /// </summary>
    public void Redacted(string reason, ulong? address, string? typeName)
    {
        _plain.WriteStartObject();
        _plain.WriteString("__redacted", reason);
        _plain.WriteEndObject();
        _raw.WriteStartObject();
        WriteIdentity(address, typeName);
        _raw.WriteString("__redacted", reason);
        _raw.WriteEndObject();
    }

    /// <summary>A value that could not be read: plain null; raw <c>{"__addr"?, "__type"?, "__error": reason}</c>.</summary>
    public void Error(string reason, ulong? address, string? typeName)
    {
        _plain.WriteNullValue();
        _raw.WriteStartObject();
        if (address is ulong a)
            _raw.WriteString("__addr", Hex(a));
        if (typeName is not null)
            _raw.WriteString("__type", typeName);
        _raw.WriteString("__error", Sanitize(reason));
        _raw.WriteEndObject();
    }

    public (string Plain, string Raw) Finish()
    {
        _plain.Flush();
        _raw.Flush();
        return (Encoding.UTF8.GetString(_plainBuffer.WrittenSpan), Encoding.UTF8.GetString(_rawBuffer.WrittenSpan));
    }

    public void Dispose()
    {
        _plain.Dispose();
        _raw.Dispose();
    }

    public static string Hex(ulong address) => "0x" + address.ToString("x", CultureInfo.InvariantCulture);

    private void WriteIdentity(ulong? address, string? typeName)
    {
        if (address is ulong a && !TargetMemory.IsRegister(a))
            _raw.WriteString("__addr", Hex(a));
        else
            _raw.WriteNull("__addr");
        _raw.WriteString("__type", typeName);
    }

    /// <summary>Target strings may hold lone surrogates, which JSON writers reject: replace them with U+FFFD.</summary>
    internal static string Sanitize(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (!char.IsSurrogate(c))
                continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            return Replace(text);
        }

        return text;

        static string Replace(string text)
        {
            var builder = new StringBuilder(text.Length);
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    builder.Append(c).Append(text[++i]);
                }
                else
                {
                    builder.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
                }
            }

            return builder.ToString();
        }
    }
}
