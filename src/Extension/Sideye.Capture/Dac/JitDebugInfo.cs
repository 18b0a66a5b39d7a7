using System.Buffers.Binary;

namespace Sideye.Capture.Dac;

/// <summary>
/// The IL-to-native map of one piece of JIT-compiled code, read from the target's memory ourselves: the code's header
/// (just before its first instruction) points at the runtime's compressed debug info, whose bounds are decoded here.
/// </summary>
/// <remarks>
/// Why not the DAC: its only way from a code address to that map (<c>EnumMethodInstancesByAddress</c>, which ClrMD's
/// <c>ILOffsetMap</c> uses too) enumerates every loaded instantiation of the method, walking a table the runtime grows
/// without a lock; on .NET 11.0.0, where runtime-async variants are such instantiations, a frozen instant of a young
/// process often holds an entry with no method yet, and the DAC dies of SIGSEGV on it. This reads only memory.
/// The format is the runtime's (CompressDebugInfo; the cDAC's DebugInfo contract describes it): a nibble-encoded
/// header (bounds size, or 0 then the sizes of six chunks), then the bounds: a count, the bit widths of the native
/// delta and the IL offset, then fixed-width entries (source flags, native delta, IL offset + 3). Anything that does
/// not check out (a header whose GC info or method is not the DAC's, a width over 32 bits, a read that fails) gives
/// null, never a guess: the frame has no IL offset then.
/// </remarks>
internal static class JitDebugInfo
{
    private const uint IlOffsetBias = unchecked((uint)-3); // NO_MAPPING (-1), PROLOG (-2), EPILOG (-3) encode as 2, 1, 0
    private const int MaxBoundsBytes = 1 << 20;
    private const uint SourceAsync = 0x4; // the source flags: CallInstruction 0x1, StackEmpty 0x2, Async 0x4

    /// <summary>A piece of code as the DAC describes it (ISOSDacInterface::GetCodeHeaderData).</summary>
    public readonly record struct CodeHeader(ulong GcInfo, uint JitType, ulong MethodDesc, ulong MethodStart);

    /// <summary>JIT_TYPE for code the JIT compiled at run time (1); ReadyToRun code has its debug info in its image.</summary>
    public const uint JitCompiled = 1;

    /// <summary>
    /// The IL offset of the await entry (flagged Async) of the map that starts exactly at <paramref name="address"/>;
    /// -1 when there is none; null when the map cannot be read here (not JIT-compiled code, an unexpected layout,
    /// unreadable memory).
    /// </summary>
    public static int? ILOffsetStartingAt(ReadMemory read, CodeHeader header, ulong address)
    {
        if (header.JitType != JitCompiled || address < header.MethodStart || address - header.MethodStart > uint.MaxValue)
            return null;
        if (DebugInfoOf(read, header) is not { } debugInfo || Bounds(read, debugInfo) is not { } bounds)
            return null;
        // Only the await's own entry, which the JIT flags Async: another entry can start at the same address (a
        // statement's start, StackEmpty), and where the await was inlined from a callee only such an entry of the
        // caller's is there. Its IL offset would name the wrong instruction: unknown instead.
        uint offset = (uint)(address - header.MethodStart);
        foreach ((uint native, uint il, uint source) in bounds)
        {
            if (native == offset && il < IlOffsetBias && (source & SourceAsync) != 0)
                return (int)il;
        }
        return -1;
    }

    public delegate int ReadMemory(ulong address, Span<byte> buffer);

    /// <summary>
    /// The debug info pointer of the code's RealCodeHeader (its first field), after checking that this is a header:
    /// its GC info (third field) and its method (a later field) are the ones the DAC named.
    /// </summary>
    private static ulong? DebugInfoOf(ReadMemory read, CodeHeader header)
    {
        if (ReadPointer(read, header.MethodStart - 8) is not { } real || real == 0)
            return null;
        Span<byte> bytes = stackalloc byte[8 * 8];
        if (read(real, bytes) != bytes.Length)
            return null;
        Span<ulong> fields = stackalloc ulong[8];
        for (int i = 0; i < fields.Length; i++)
            fields[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * 8)..]);
        if (fields[2] != header.GcInfo)
            return null;
        bool methodFound = false;
        for (int i = 3; i < fields.Length && !methodFound; i++)
            methodFound = fields[i] == header.MethodDesc;
        return methodFound && fields[0] != 0 ? fields[0] : null;
    }

    private static List<(uint Native, uint IL, uint Source)>? Bounds(ReadMemory read, ulong debugInfo)
    {
        Span<byte> head = stackalloc byte[48];
        int got = read(debugInfo, head);
        if (got <= 0)
            return null;
        var header = new NibbleReader(head[..got].ToArray());
        uint first = header.ReadUInt();
        uint boundsSize = first == 0 ? header.ReadUInt() : first; // 0: the "fat" header, six chunk sizes follow
        if (header.Failed || boundsSize == 0 || boundsSize > MaxBoundsBytes)
            return null;
        if (first != 0)
            header.ReadUInt(); // the variables' size
        else
            for (int i = 0; i < 5; i++)
                header.ReadUInt();
        if (header.Failed)
            return null;
        byte[] data = new byte[boundsSize];
        if (read(debugInfo + (ulong)header.NextByteOffset, data) != data.Length)
            return null;
        var reader = new NibbleReader(data);
        uint count = reader.ReadUInt();
        uint nativeBits = reader.ReadUInt() + 1;
        uint ilBits = reader.ReadUInt() + 1;
        const uint SourceBits = 3;
        uint entryBits = nativeBits + ilBits + SourceBits;
        if (reader.Failed || nativeBits > 32 || ilBits > 32 || (ulong)count * entryBits > (ulong)(data.Length - reader.NextByteOffset) * 8)
            return null;
        var bounds = new List<(uint, uint, uint)>((int)count);
        int at = reader.NextByteOffset;
        ulong bits = 0;
        int held = 0;
        uint native = 0;
        ulong entryMask = entryBits == 64 ? ulong.MaxValue : (1UL << (int)entryBits) - 1;
        while (bounds.Count < count)
        {
            while (held < entryBits)
            {
                bits |= (ulong)data[at++] << held;
                held += 8;
            }
            ulong entry = bits & entryMask;
            bits = entryBits == 64 ? 0 : bits >> (int)entryBits;
            held -= (int)entryBits;
            uint source = (uint)(entry & ((1UL << (int)SourceBits) - 1));
            entry >>= (int)SourceBits;
            native += (uint)(entry & ((1UL << (int)nativeBits) - 1));
            uint il = (uint)(entry >> (int)nativeBits) + IlOffsetBias;
            bounds.Add((native, il, source));
        }
        return bounds;
    }

    private static ulong? ReadPointer(ReadMemory read, ulong address)
    {
        Span<byte> value = stackalloc byte[8];
        return read(address, value) == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(value) : null;
    }

    /// <summary>The runtime's nibble stream: low nibble of each byte first; a number is 3-bit groups, high bit = more.</summary>
    private sealed class NibbleReader(byte[] data)
    {
        private int _nibble;

        public bool Failed { get; private set; }

        /// <summary>The first byte after the nibbles read.</summary>
        public int NextByteOffset => (_nibble + 1) / 2;

        public uint ReadUInt()
        {
            uint value = 0;
            for (int groups = 0; groups < 12; groups++)
            {
                if (_nibble / 2 >= data.Length)
                {
                    Failed = true;
                    return 0;
                }
                int b = data[_nibble / 2];
                int n = _nibble % 2 == 0 ? b & 0xF : b >> 4;
                _nibble++;
                value = (value << 3) | (uint)(n & 0x7);
                if ((n & 0x8) == 0)
                    return value;
            }
            Failed = true;
            return 0;
        }
    }
}
