using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// Where a value lives: a slot in target memory that holds a value of <see cref="Type"/> (for a reference type the
/// slot holds the object pointer; for a struct, the struct's fields), or the value's own bytes when it lives only
/// in a register. Produced by the capture engine (a local's home), by <see cref="StateMachineVariables"/> and by
/// <see cref="ValueRenderer.TryResolvePath"/>; consumed by <see cref="ValueRenderer.RenderLocation(ValueLocation)"/>.
/// </summary>
public sealed class ValueLocation
{
    private ValueLocation(ClrType? type, ClrElementType elementType, ulong? address, byte[]? registerBytes)
    {
        Type = type;
        ElementType = elementType != ClrElementType.Unknown ? elementType : type?.ElementType ?? ClrElementType.Unknown;
        Address = address;
        RegisterBytes = registerBytes;
    }

    /// <summary>The slot's declared type, when ClrMD resolved it (it does not for some generic fields).</summary>
    public ClrType? Type { get; }

    /// <summary>How the slot stores its value (primitive, struct or reference); the fallback when <see cref="Type"/> is null.</summary>
    public ClrElementType ElementType { get; }

    /// <summary>The slot's address in the target; null for a register-only value.</summary>
    public ulong? Address { get; }

    /// <summary>The value's bytes (a pointer for a reference type) when it lives only in a register.</summary>
    public byte[]? RegisterBytes { get; }

    /// <summary>A slot at <paramref name="address"/>: a stack slot, a field, an array element, a static.</summary>
    public static ValueLocation InMemory(ClrType? type, ulong address, ClrElementType elementType = ClrElementType.Unknown) =>
        new(type, elementType, address, null);

    /// <summary>A value held only in a register: <paramref name="bytes"/> are its little-endian contents.</summary>
    public static ValueLocation InRegister(ClrType? type, byte[] bytes, ClrElementType elementType = ClrElementType.Unknown) =>
        new(type, elementType, null, bytes ?? throw new ArgumentNullException(nameof(bytes)));

    /// <summary>A heap object itself (as if a slot held a pointer to it).</summary>
    public static ValueLocation OfObject(ulong objectAddress) =>
        new(null, ClrElementType.Object, null, BitConverter.GetBytes(objectAddress));

    public override string ToString() =>
        $"{Type?.Name ?? ElementType.ToString()} @ {(Address is ulong a ? $"0x{a:x}" : "register")}";
}
