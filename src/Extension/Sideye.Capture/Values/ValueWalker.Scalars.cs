using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>Structs shown as one JSON scalar (dates, times, Guid, decimal, 128-bit integers) and wrapper structs (Nullable, ImmutableArray).</summary>
internal sealed partial class ValueWalker
{
    private const long TicksMask = 0x3FFF_FFFF_FFFF_FFFF;

    /// <summary>
    /// DateTime: ISO-8601 <c>2024-01-02T03:04:05Z</c> (fraction only when non-zero, trailing zeros dropped; Z for Utc,
    /// no suffix for Local/Unspecified); DateTimeOffset: the same with its offset (<c>+02:00</c>); TimeSpan: "c" format;
    /// DateOnly <c>yyyy-MM-dd</c>; TimeOnly <c>HH:mm:ss[.f]</c>; Guid "D" format; decimal and (U)Int128 as exact numbers.
    /// </summary>
    private bool TryWriteScalarStruct(ulong address, ClrType type, int depth)
    {
        switch (type.Name)
        {
            case "System.DateTime":
                if (!_memory.TryReadInt64(address, out long dateData))
                    return Fail(address, type, depth);
                if (!TryDateTime(dateData, out DateTime dateTime))
                    return Invalid(address, type, depth);
                _out.String(FormatDateTime(dateTime) + (dateTime.Kind == DateTimeKind.Utc ? "Z" : ""));
                return true;

            case "System.DateTimeOffset":
                return WriteDateTimeOffset(address, type, depth);

            case "System.TimeSpan":
                if (!_memory.TryReadInt64(address, out long ticks))
                    return Fail(address, type, depth);
                _out.String(TimeSpan.FromTicks(ticks).ToString("c", CultureInfo.InvariantCulture));
                return true;

            case "System.DateOnly":
                if (!_memory.TryReadInt32(address, out int dayNumber))
                    return Fail(address, type, depth);
                if (dayNumber < 0 || dayNumber > DateOnly.MaxValue.DayNumber)
                    return Invalid(address, type, depth);
                _out.String(DateOnly.FromDayNumber(dayNumber).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                return true;

            case "System.TimeOnly":
                if (!_memory.TryReadInt64(address, out long timeTicks))
                    return Fail(address, type, depth);
                if (timeTicks < 0 || timeTicks >= TimeSpan.TicksPerDay)
                    return Invalid(address, type, depth);
                _out.String(FormatTime(new DateTime(timeTicks)));
                return true;

            case "System.Guid":
                Span<byte> guid = stackalloc byte[16];
                if (!_memory.TryRead(address, guid))
                    return Fail(address, type, depth);
                _out.String(new Guid(guid).ToString("D"));
                return true;

            case "System.Decimal":
                return WriteDecimal(address, type, depth);

            case "System.Int128" or "System.UInt128":
                Span<byte> wide = stackalloc byte[16];
                if (!_memory.TryRead(address, wide))
                    return Fail(address, type, depth);
                ulong lower = BinaryPrimitives.ReadUInt64LittleEndian(wide);
                ulong upper = BinaryPrimitives.ReadUInt64LittleEndian(wide[8..]);
                _out.RawNumber(type.Name == "System.Int128"
                    ? new Int128(upper, lower).ToString(CultureInfo.InvariantCulture)
                    : new UInt128(upper, lower).ToString(CultureInfo.InvariantCulture));
                return true;

            default:
                return false;
        }
    }

    /// <summary>Nullable&lt;T&gt;: its value or null. ImmutableArray&lt;T&gt;: its elements (null when default).</summary>
    private bool TryWriteWrapperStruct(ulong address, ClrType type, int depth, ulong identity)
    {
        string definition = TypeNames.GenericDefinition(type.Name ?? "");
        if (definition == "System.Nullable")
        {
            ClrInstanceField? hasValue = type.GetFieldByName("hasValue");
            ClrInstanceField? value = type.GetFieldByName("value");
            if (hasValue is null || value is null)
                return false;
            if (!_memory.TryReadBoolean(unchecked(address + (ulong)hasValue.Offset), out bool has))
                return Fail(address, type, depth);
            if (!has)
                _out.Null();
            else
                WriteSlotNoSpend(unchecked(address + (ulong)value.Offset), FieldType(value), value.ElementType, depth);
            return true;
        }

        if (definition == "System.Collections.Immutable.ImmutableArray")
        {
            ClrInstanceField? array = type.GetFieldByName("array");
            if (array is null)
                return false;
            if (!_memory.TryReadPointer(unchecked(address + (ulong)array.Offset), out ulong arrayObj))
                return Fail(address, type, depth);
            if (arrayObj == 0)
            {
                _out.Null();
                return true;
            }

            if (TooDeep(depth))
            {
                _out.Reference(identity, type.Name, "depth");
                return true;
            }

            if (!TryArrayLength(arrayObj, out int length))
                return Fail(address, type, depth);
            WriteBackedSequence(identity, type, arrayObj, length, i => i, depth);
            return true;
        }

        return false;
    }

    private void WriteSlotNoSpend(ulong address, ClrType? type, ClrElementType elementType, int depth)
    {
        _values--;
        WriteSlot(address, type, elementType, depth);
    }

    private bool WriteDateTimeOffset(ulong address, ClrType type, int depth)
    {
        ClrInstanceField? dateField = type.GetFieldByName("_dateTime");
        ClrInstanceField? offsetField = type.GetFieldByName("_offsetMinutes");
        if (dateField is null || offsetField is null)
            return false;
        Span<byte> offsetBytes = stackalloc byte[2];
        if (!_memory.TryReadInt64(unchecked(address + (ulong)dateField.Offset), out long dateData)
            || !_memory.TryRead(unchecked(address + (ulong)offsetField.Offset), offsetBytes))
            return Fail(address, type, depth);

        short offsetMinutes = BinaryPrimitives.ReadInt16LittleEndian(offsetBytes);
        long clockTicks = (dateData & TicksMask) + offsetMinutes * TimeSpan.TicksPerMinute;
        if (clockTicks < 0 || !TryDateTime(clockTicks, out DateTime clock) || Math.Abs(offsetMinutes) > 14 * 60)
            return Invalid(address, type, depth);

        TimeSpan offset = TimeSpan.FromMinutes(offsetMinutes);
        string sign = offset < TimeSpan.Zero ? "-" : "+";
        _out.String($"{FormatDateTime(clock)}{sign}{offset.Duration():hh\\:mm}");
        return true;
    }

    /// <summary>decimal as an exact JSON number, from its <c>_flags</c>, <c>_hi32</c> and <c>_lo64</c> fields.</summary>
    private bool WriteDecimal(ulong address, ClrType type, int depth)
    {
        int flagsOffset = type.GetFieldByName("_flags")?.Offset ?? 0;
        int hiOffset = type.GetFieldByName("_hi32")?.Offset ?? 4;
        int loOffset = type.GetFieldByName("_lo64")?.Offset ?? 8;
        if (!_memory.TryReadInt32(unchecked(address + (ulong)flagsOffset), out int flags)
            || !_memory.TryReadInt32(unchecked(address + (ulong)hiOffset), out int hi)
            || !_memory.TryReadInt64(unchecked(address + (ulong)loOffset), out long lo))
            return Fail(address, type, depth);

        int scale = (flags >> 16) & 0xFF;
        if ((flags & 0x7F00FFFF) != 0 || scale > 28)
            return Invalid(address, type, depth);
        var value = new decimal(unchecked((int)lo), unchecked((int)(lo >> 32)), hi, flags < 0, (byte)scale);
        _out.Number(value);
        return true;
    }

    private static bool TryDateTime(long dateData, out DateTime value)
    {
        long ticks = dateData & TicksMask;
        if (ticks > DateTime.MaxValue.Ticks)
        {
            value = default;
            return false;
        }

        ulong kind = (ulong)dateData >> 62;
        value = new DateTime(ticks, kind switch
        {
            1 => DateTimeKind.Utc,
            0 => DateTimeKind.Unspecified,
            _ => DateTimeKind.Local,
        });
        return true;
    }

    private static string FormatDateTime(DateTime value) =>
        value.ToString("yyyy-MM-dd'T'", CultureInfo.InvariantCulture) + FormatTime(value);

    private static string FormatTime(DateTime value)
    {
        string time = value.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        long fraction = value.Ticks % TimeSpan.TicksPerSecond;
        return fraction == 0 ? time : time + "." + fraction.ToString("D7", CultureInfo.InvariantCulture).TrimEnd('0');
    }

    private bool Fail(ulong address, ClrType type, int depth)
    {
        Error($"unreadable memory at {JsonPair.Hex(address)}", address, type.Name, depth);
        return true;
    }

    private bool Invalid(ulong address, ClrType type, int depth)
    {
        Error($"invalid {type.Name} bits at {JsonPair.Hex(address)}", address, type.Name, depth);
        return true;
    }
}
