using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Walk;

/// <summary>The Try-form ClrMD offers on ClrObject but not on ClrValueType.</summary>
internal static class ClrValueTypeExtensions
{
    public static bool TryReadObjectField(this ClrValueType value, string fieldName, out ClrObject result)
    {
        result = default;
        if (value.Type?.GetFieldByName(fieldName) is not { IsObjectReference: true } field)
            return false;
        result = value.ReadObjectField(field);
        return !result.IsNull;
    }
}
