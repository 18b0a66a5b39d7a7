using System.Globalization;
using System.Net;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.BuiltIns;

/// <summary>
/// Reading library objects by field name, tolerantly: a field another version does not have reads as null, so a
/// recognizer can say what it did not find instead of failing.
/// </summary>
internal static class HeapObjects
{
    /// <summary>The object a reference field holds; null when the field is missing or null.</summary>
    public static ClrObject? Object(this ClrObject o, string field) =>
        !o.IsNull && o.Type?.GetFieldByName(field) is { IsObjectReference: true } && o.TryReadObjectField(field, out ClrObject value) && !value.IsNull ? value : null;

    /// <summary>A primitive field's value; null when the field is missing.</summary>
    public static T? Value<T>(this ClrObject o, string field) where T : unmanaged =>
        !o.IsNull && o.Type?.GetFieldByName(field) is not null && o.TryReadField(field, out T value) ? value : null;

    public static string? String(this ClrObject o, string field) =>
        o.Object(field) is { } s && s.Type?.IsString == true ? (string?)s : null;

    /// <summary>
    /// The object an async method's state machine runs on (its <c>&lt;&gt;4__this</c>), from the box that holds the
    /// state machine (an embedded struct in Release builds, a class in Debug builds); null when there is none.
    /// </summary>
    public static ClrObject? StateMachineThis(ClrHeap heap, ulong boxAddress)
    {
        ClrObject box = heap.GetObject(boxAddress);
        if (box.Type?.GetFieldByName("StateMachine") is not ClrInstanceField field)
            return null;
        if (field.IsObjectReference)
            return box.Object("StateMachine")?.Object("<>4__this");
        ClrValueType sm = box.ReadValueTypeField(field);
        if (sm.Type?.GetFieldByName("<>4__this") is not { IsObjectReference: true })
            return null;
        ClrObject self = sm.ReadObjectField("<>4__this");
        return self.IsNull ? null : self;
    }

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
