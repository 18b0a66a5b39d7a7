using System.Buffers.Binary;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>Primitives from their little-endian bytes: sizes, JSON forms, and integer bits (for enums).</summary>
internal static class PrimitiveValues
{
    /// <summary>The storage size of a primitive element type, or 0 when it is not one.</summary>
    public static int SizeOf(ClrElementType type, int pointerSize) => type switch
    {
        ClrElementType.Boolean or ClrElementType.Int8 or ClrElementType.UInt8 => 1,
        ClrElementType.Char or ClrElementType.Int16 or ClrElementType.UInt16 => 2,
        ClrElementType.Int32 or ClrElementType.UInt32 or ClrElementType.Float => 4,
        ClrElementType.Int64 or ClrElementType.UInt64 or ClrElementType.Double => 8,
        ClrElementType.NativeInt or ClrElementType.NativeUInt or ClrElementType.Pointer or ClrElementType.FunctionPointer => pointerSize,
        _ => 0,
    };

    public static bool IsPrimitive(ClrElementType type) => SizeOf(type, 8) != 0;

    /// <summary>The BCL type name of a primitive element type (<c>System.Int32</c>), or the element type's name.</summary>
    public static string TypeName(ClrElementType type) => type switch
    {
        ClrElementType.Boolean => "System.Boolean",
        ClrElementType.Char => "System.Char",
        ClrElementType.Int8 => "System.SByte",
        ClrElementType.UInt8 => "System.Byte",
        ClrElementType.Int16 => "System.Int16",
        ClrElementType.UInt16 => "System.UInt16",
        ClrElementType.Int32 => "System.Int32",
        ClrElementType.UInt32 => "System.UInt32",
        ClrElementType.Int64 => "System.Int64",
        ClrElementType.UInt64 => "System.UInt64",
        ClrElementType.Float => "System.Single",
        ClrElementType.Double => "System.Double",
        ClrElementType.NativeInt => "System.IntPtr",
        ClrElementType.NativeUInt => "System.UIntPtr",
        _ => type.ToString(),
    };

    /// <summary>
    /// bool: true/false; char: a one-character string; integers (native ints too): numbers; float/double: numbers
    /// (NaN and infinities as strings); pointers: hex strings "0x…".
    /// </summary>
    public static void Write(JsonPair output, ClrElementType type, ReadOnlySpan<byte> bytes)
    {
        switch (type)
        {
            case ClrElementType.Boolean:
                output.Bool(bytes[0] != 0);
                break;
            case ClrElementType.Char:
                output.String(((char)BinaryPrimitives.ReadUInt16LittleEndian(bytes)).ToString());
                break;
            case ClrElementType.Float:
                output.Number(BinaryPrimitives.ReadSingleLittleEndian(bytes));
                break;
            case ClrElementType.Double:
                output.Number(BinaryPrimitives.ReadDoubleLittleEndian(bytes));
                break;
            case ClrElementType.Pointer or ClrElementType.FunctionPointer:
                output.String(JsonPair.Hex(ReadUnsigned(bytes)));
                break;
            case ClrElementType.UInt8 or ClrElementType.UInt16 or ClrElementType.UInt32 or ClrElementType.UInt64 or ClrElementType.NativeUInt:
                output.Number(ReadUnsigned(bytes));
                break;
            default:
                output.Number(ReadSigned(bytes));
                break;
        }
    }

    /// <summary>The value as a sign- or zero-extended 64-bit pattern, as enums compare their values.</summary>
    public static ulong ReadBits(ClrElementType type, ReadOnlySpan<byte> bytes) => type switch
    {
        ClrElementType.Int8 or ClrElementType.Int16 or ClrElementType.Int32 or ClrElementType.Int64 or ClrElementType.NativeInt
            => unchecked((ulong)ReadSigned(bytes)),
        _ => ReadUnsigned(bytes),
    };

    public static bool IsSigned(ClrElementType type) =>
        type is ClrElementType.Int8 or ClrElementType.Int16 or ClrElementType.Int32 or ClrElementType.Int64 or ClrElementType.NativeInt;

    private static long ReadSigned(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        1 => (sbyte)bytes[0],
        2 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadInt64LittleEndian(bytes),
    };

    private static ulong ReadUnsigned(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        1 => bytes[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
    };
}
