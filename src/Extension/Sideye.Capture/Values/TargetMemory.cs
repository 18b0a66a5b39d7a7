using System.Buffers.Binary;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// Target memory as the renderer sees it: reads go straight to ClrMD's data reader, which is already cached
/// where that matters (a paused live target is read through <see cref="Target.CachingDataReader"/>, a dump
/// is mapped). A register-held
/// value is mapped at <see cref="RegisterBase"/>, an address no process can use, so the walker reads it like memory.
/// Nothing here throws: a failed read returns false.
/// </summary>
internal sealed class TargetMemory
{
    /// <summary>Non-canonical on x64 and arm64 (bit 63 set, bits 48..62 clear): never a real address.</summary>
    internal const ulong RegisterBase = 0x8000_0000_0000_0000;

    private readonly IDataReader _reader;
    private byte[] _register = [];

    public TargetMemory(IDataReader reader)
    {
        _reader = reader;
        PointerSize = reader.PointerSize;
    }

    public int PointerSize { get; }

    /// <summary>Maps <paramref name="bytes"/> at <see cref="RegisterBase"/> (replacing what was there).</summary>
    public ulong MapRegister(byte[] bytes)
    {
        _register = bytes;
        return RegisterBase;
    }

    public static bool IsRegister(ulong address) => address >= RegisterBase && address - RegisterBase < int.MaxValue;

    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (destination.IsEmpty)
            return true;
        if (IsRegister(address))
            return TryReadRegister(address - RegisterBase, destination);
        if (address == 0 || unchecked(address + (ulong)destination.Length) < address)
            return false;
        return TryReadDirect(address, destination);
    }

    public bool TryReadPointer(ulong address, out ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        buffer = buffer[..PointerSize];
        if (!TryRead(address, buffer))
        {
            value = 0;
            return false;
        }

        value = PointerSize == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(buffer) : BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        return true;
    }

    public bool TryReadInt32(ulong address, out int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        bool ok = TryRead(address, buffer);
        value = ok ? BinaryPrimitives.ReadInt32LittleEndian(buffer) : 0;
        return ok;
    }

    public bool TryReadInt64(ulong address, out long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        bool ok = TryRead(address, buffer);
        value = ok ? BinaryPrimitives.ReadInt64LittleEndian(buffer) : 0;
        return ok;
    }

    public bool TryReadBoolean(ulong address, out bool value)
    {
        Span<byte> buffer = stackalloc byte[1];
        bool ok = TryRead(address, buffer);
        value = ok && buffer[0] != 0;
        return ok;
    }

    private bool TryReadRegister(ulong offset, Span<byte> destination)
    {
        if (offset + (ulong)destination.Length > (ulong)_register.Length)
            return false;
        _register.AsSpan((int)offset, destination.Length).CopyTo(destination);
        return true;
    }

    private bool TryReadDirect(ulong address, Span<byte> destination)
    {
        try
        {
            return _reader.Read(address, destination) == destination.Length;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }
}
