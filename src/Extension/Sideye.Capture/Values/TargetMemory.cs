using System.Buffers.Binary;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Values;

/// <summary>
/// Target memory as the renderer sees it. Reads go through ClrMD's data reader a whole 4 KiB page at a time and
/// are cached, so rendering an object costs about one read (one process_vm_readv on a live process) per page
/// instead of one per field; the cache assumes the target stays paused while the renderer lives. A register-held
/// value is mapped at <see cref="RegisterBase"/>, an address no process can use, so the walker reads it like memory.
/// Nothing here throws: a failed read returns false.
/// </summary>
internal sealed class TargetMemory
{
    /// <summary>Non-canonical on x64 and arm64 (bit 63 set, bits 48..62 clear): never a real address.</summary>
    internal const ulong RegisterBase = 0x8000_0000_0000_0000;

    private const int PageSize = 4096;
    private const int MaxCachedPages = 4096;

    private readonly IDataReader _reader;
    private readonly Dictionary<ulong, byte[]> _pages = new();
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
        if (destination.Length > 2 * PageSize)
            return TryReadDirect(address, destination);

        while (!destination.IsEmpty)
        {
            ulong pageStart = address & ~(ulong)(PageSize - 1);
            byte[] page = GetPage(pageStart);
            int offset = (int)(address - pageStart);
            int available = page.Length - offset;
            if (available <= 0)
                return false;
            int n = Math.Min(available, destination.Length);
            page.AsSpan(offset, n).CopyTo(destination);
            destination = destination[n..];
            address = unchecked(address + (ulong)n);
        }

        return true;
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

    private byte[] GetPage(ulong pageStart)
    {
        if (_pages.TryGetValue(pageStart, out byte[]? page))
            return page;
        if (_pages.Count >= MaxCachedPages)
            _pages.Clear();

        byte[] buffer = new byte[PageSize];
        int read;
        try
        {
            read = _reader.Read(pageStart, buffer);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            read = 0;
        }

        page = read == PageSize ? buffer : buffer.AsSpan(0, Math.Max(read, 0)).ToArray();
        _pages[pageStart] = page;
        return page;
    }
}
