using System.Globalization;
using System.Runtime.CompilerServices;
using System.Net;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.BuiltIns;

/// <summary>
/// Reading library objects by field name, tolerantly: a field another version does not have reads as null, so a
/// recognizer can say what it did not find instead of failing.
/// </summary>
internal static class HeapObjects
{
    // Field lookups by name on a type, remembered per ClrType (ClrMD looks a generic instantiation's fields up anew
    // each time: hundreds of calls cost seconds). Weak: the cache goes with the runtime's types.
    private static readonly ConditionalWeakTable<ClrType, Dictionary<string, ClrInstanceField?>> Fields = new();

    private static ClrInstanceField? FieldOf(ClrObject o, string name)
    {
        if (o.IsNull || o.Type is not { } type)
            return null;
        Dictionary<string, ClrInstanceField?> fields = Fields.GetValue(type, _ => new Dictionary<string, ClrInstanceField?>(StringComparer.Ordinal));
        lock (fields)
        {
            if (!fields.TryGetValue(name, out ClrInstanceField? field))
                fields[name] = field = type.GetFieldByName(name);
            return field;
        }
    }

    /// <summary>The object a reference field holds; null when the field is missing or null.</summary>
    public static ClrObject? Object(this ClrObject o, string field)
    {
        if (FieldOf(o, field) is not { IsObjectReference: true } f)
            return null;
        ClrObject value = o.ReadObjectField(f);
        return value.IsNull ? null : value;
    }

    /// <summary>A primitive field's value; null when the field is missing.</summary>
    public static T? Value<T>(this ClrObject o, string field) where T : unmanaged =>
        FieldOf(o, field) is { } f ? o.ReadField<T>(f) : null;

    public static string? String(this ClrObject o, string field) =>
        o.Object(field) is { } s && s.Type?.IsString == true ? (string?)s : null;

    /// <summary>An <see cref="IPEndPoint"/> on the heap as <c>address:port</c> (IPv6 as <c>[address]:port</c>).</summary>
    public static string? Endpoint(ClrObject? endPoint)
    {
        if (endPoint is not { } ep || ep.Object("_address") is not { } address || ep.Value<int>("_port") is not int port)
            return null;
        IPAddress? ip = Address(address);
        if (ip is null)
            return null;
        string text = ip.ToString();
        return (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{text}]" : text) + ":" + port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// An <see cref="IPAddress"/> on the heap (IPv4 in <c>_addressOrScopeId</c>, network order; IPv6 in <c>_numbers</c>,
    /// eight ushorts), IPv4-mapped IPv6 shown as IPv4.
    /// </summary>
    public static IPAddress? Address(ClrObject address)
    {
        if (address.Object("_numbers") is { IsArray: true } numbers)
        {
            ClrArray array = numbers.AsArray();
            if (array.Length != 8)
                return null;
            var bytes = new byte[16];
            for (int i = 0; i < 8; i++)
            {
                ushort n = array.GetValue<ushort>(i);
                bytes[2 * i] = (byte)(n >> 8);
                bytes[2 * i + 1] = (byte)n;
            }
            var v6 = new IPAddress(bytes, (long)(address.Value<uint>("_addressOrScopeId") ?? 0));
            return v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4() : v6;
        }
        return address.Value<uint>("_addressOrScopeId") is uint v4 ? new IPAddress(v4) : null;
    }
}
