using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Xml;

namespace Sideye.QueryServer.Engine;

/// <summary>
/// Turns the CLR values DuckDB.NET returns into values System.Text.Json writes the way
/// <see cref="QueryResult"/> documents. Done once per cell, so the JSON writer never meets a type it would
/// render ambiguously (DateTime without a zone, a 64-bit id a browser would round).
/// </summary>
internal static class JsonCellConverter
{
    // Larger integers are not exact in an IEEE double, which is what a browser parses a JSON number into.
    private const long MaxSafeInteger = (1L << 53) - 1;

    /// <param name="value">A cell as DuckDB.NET returns it.</param>
    /// <param name="isJson">The column is JSON: the text is parsed, so it is written as JSON, not as a string.</param>
    /// <param name="isInstant">The column is a TIMESTAMP WITH TIME ZONE: DuckDB.NET hands over its UTC value as a
    /// DateTime without a kind, which is written with 'Z'.</param>
    public static object? Convert(object? value, bool isJson, bool isInstant = false)
    {
        switch (value)
        {
            case null or DBNull:
                return null;
            case string s when isJson:
                return ParseJson(s);
            case string or bool or byte or sbyte or short or ushort or int or uint or decimal:
                return value;
            case long l:
                return l is >= -MaxSafeInteger and <= MaxSafeInteger ? l : l.ToString(CultureInfo.InvariantCulture);
            case ulong ul:
                return ul <= MaxSafeInteger ? (long)ul : ul.ToString(CultureInfo.InvariantCulture);
            case BigInteger big:
                return big >= -MaxSafeInteger && big <= MaxSafeInteger ? (long)big : big.ToString(CultureInfo.InvariantCulture);
            case double d:
                return double.IsFinite(d) ? d : d.ToString(CultureInfo.InvariantCulture);
            case float f:
                return float.IsFinite(f) ? f : f.ToString(CultureInfo.InvariantCulture);
            case DateTime dt:
                // TIMESTAMP has no zone and is written as it is; TIMESTAMPTZ is an instant, in UTC.
                return dt.ToString(dt.Kind == DateTimeKind.Utc || isInstant ? "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
            case DateTimeOffset dto:
                return dto.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
            case DateOnly date:
                return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case TimeOnly time:
                return time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
            case TimeSpan span:
                return XmlConvert.ToString(span); // ISO-8601 duration, e.g. PT1H30M
            case Guid guid:
                return guid.ToString();
            case byte[] bytes:
                return System.Convert.ToBase64String(bytes);
            case Stream stream:
                return ReadBase64(stream);
            case IDictionary dictionary:
                var obj = new Dictionary<string, object?>(dictionary.Count, StringComparer.Ordinal);
                foreach (DictionaryEntry entry in dictionary)
                    obj[System.Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = Convert(entry.Value, false);
                return obj;
            case IEnumerable list:
                var items = new List<object?>();
                foreach (object? item in list)
                    items.Add(Convert(item, false));
                return items;
            default:
                return System.Convert.ToString(value, CultureInfo.InvariantCulture);
        }
    }

    // A JSON column holds valid JSON by construction, but a view may CAST text to JSON lazily; keep the text
    // rather than fail the whole answer when it is not.
    private static object ParseJson(string text)
    {
        try
        {
            return JsonElement.Parse(text);
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private static string ReadBase64(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return System.Convert.ToBase64String(copy.GetBuffer(), 0, (int)copy.Length);
    }
}
