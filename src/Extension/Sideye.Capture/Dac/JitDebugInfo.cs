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
/// The format is the runtime's (CompressDebugInfo; the cDAC's DebugInfo contract describes it, <see cref="Layout"/>): a
/// nibble-encoded header of chunk sizes, then the bounds: a count, the bit widths of the native delta and the IL
/// offset, then fixed-width entries (source type, native delta, IL offset + 3). Anything that does
/// not check out (a header whose GC info or method is not the DAC's, a width over 32 bits, a read that fails) gives
/// null, never a guess: the frame has no IL offset then.
/// </remarks>
internal static class JitDebugInfo
{
    private const uint IlOffsetBias = unchecked((uint)-3); // NO_MAPPING (-1), PROLOG (-2), EPILOG (-3) encode as 2, 1, 0
    private const int MaxBoundsBytes = 1 << 20;
    private const uint SourceAsync = 0x4; // the source flags: CallInstruction 0x1, StackEmpty 0x2, Async 0x4

    /// <summary>A piece of code as the DAC describes it (ISOSDacInterface::GetCodeHeaderData).</summary>
    public readonly record struct CodeHeader(ulong GcInfo, uint JitType, ulong MethodDesc, ulong MethodStart, uint Size);

    /// <summary>JIT_TYPE for code the JIT compiled at run time (1); ReadyToRun code has its debug info in its image.</summary>
    public const uint JitCompiled = 1;

    /// <summary>How a runtime lays its debug info out; only the two read here (the cDAC's DebugInfo contract, 1 and 2).</summary>
    public enum Layout
    {
        /// <summary>.NET 10: a flag byte (patchpoint or rich info follow), bounds and variables sizes, 2-bit source types.</summary>
        Net10,

        /// <summary>.NET 11: the sizes first (bounds, or 0 and six chunk sizes), 3-bit source flags (Async among them).</summary>
        Net11,
    }

    /// <summary>The layout of a runtime's debug info; null for a runtime whose layout is not known here (the DAC answers).</summary>
    public static Layout? LayoutOf(int runtimeMajor) => runtimeMajor switch
    {
        10 => Layout.Net10,
        11 => Layout.Net11,
        _ => null,
    };

    /// <summary>
    /// The IL offset of the await entry (flagged Async) of the map that starts exactly at <paramref name="address"/>;
    /// -1 when there is none; null when the map cannot be read here (not JIT-compiled code, an unexpected layout,
    /// unreadable memory).
    /// </summary>
    public static int? ILOffsetStartingAt(ReadMemory read, Layout layout, CodeHeader header, ulong address)
    {
        if (MapAt(read, layout, header, address) is not ({ } bounds, uint offset))
            return null;
        // Only the await's own entry, which the JIT flags Async: another entry can start at the same address (a
        // statement's start, StackEmpty), and where the await was inlined from a callee only such an entry of the
        // caller's is there. Its IL offset would name the wrong instruction: unknown instead.
        foreach ((uint native, uint il, uint source) in bounds)
        {
            if (native == offset && il < IlOffsetBias && (source & SourceAsync) != 0)
                return (int)il;
        }
        return -1;
    }

    /// <summary>
    /// The IL offset of the instruction at <paramref name="address"/> by the DAC's rule (<c>GetILOffsetsByAddress</c>):
    /// the entries whose native range holds it (an entry runs to the next one's start, the last to the end of the code),
    /// the first of them with a real IL offset; -1 when none has one (prolog, epilog, no mapping); null when the map
    /// cannot be read here (not JIT-compiled code, an unexpected layout, unreadable memory).
    /// </summary>
    public static int? ILOffsetAt(ReadMemory read, Layout layout, CodeHeader header, ulong address)
    {
        if (MapAt(read, layout, header, address) is not ({ } bounds, uint offset))
            return null;
        for (int i = 0; i < bounds.Count; i++)
        {
            (uint start, uint il, _) = bounds[i];
            // Entries sharing a start give an empty range to all but the last of them, as the DAC's does.
            bool holds = offset >= start && (i == bounds.Count - 1 || offset < bounds[i + 1].Native);
            if (holds && il < IlOffsetBias)
                return (int)il;
        }
        return -1;
    }

    public delegate int ReadMemory(ulong address, Span<byte> buffer);

    /// <summary>The bounds of JIT-compiled code and the address's offset in it; null when they cannot be read here.</summary>
    private static (List<(uint Native, uint IL, uint Source)> Bounds, uint Offset)? MapAt(ReadMemory read, Layout layout, CodeHeader header, ulong address)
    {
        if (header.JitType != JitCompiled || address < header.MethodStart || address - header.MethodStart > uint.MaxValue)
            return null;
        if (DebugInfoOf(read, header) is not { } debugInfo || Bounds(read, layout, debugInfo) is not { } bounds)
            return null;
        return (bounds, (uint)(address - header.MethodStart));
    }

    /// <summary>
    /// The debug info pointer of the code's RealCodeHeader (its first field), after checking that this is a header:
    /// its GC info (an early field) and its method (a later one) are the ones the DAC named.
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
        // The GC info has been seen as the third field and as the fourth (runtimes differ in what precedes it): found, not assumed.
        int gcInfo = fields[1..5].IndexOf(header.GcInfo) + 1;
        if (gcInfo == 0)
            return null;
        bool methodFound = fields[(gcInfo + 1)..].Contains(header.MethodDesc);
        return methodFound && fields[0] != 0 ? fields[0] : null;
    }

    private static List<(uint Native, uint IL, uint Source)>? Bounds(ReadMemory read, Layout layout, ulong debugInfo)
    {
        Span<byte> head = stackalloc byte[48];
        int got = read(debugInfo, head);
        if (got <= 0)
            return null;
        uint boundsSize;
        int headerSize;
        if (layout == Layout.Net10)
        {
            // A flag byte first: patchpoint info (a runtime-sized structure) or rich info may follow it; left to the DAC.
            if (head[0] != 0)
                return null;
            var header = new NibbleReader(head[1..got].ToArray());
            boundsSize = header.ReadUInt();
            if (boundsSize == uint.MaxValue) // instrumented bounds (a profiler's rewritten IL) come first: the DAC's choice too
            {
                boundsSize = header.ReadUInt();
                header.ReadUInt(); // the uninstrumented bounds' size
            }
            header.ReadUInt(); // the variables' size
            if (header.Failed)
                return null;
            headerSize = 1 + header.NextByteOffset;
        }
        else
        {
            var header = new NibbleReader(head[..got].ToArray());
            uint first = header.ReadUInt();
            boundsSize = first == 0 ? header.ReadUInt() : first; // 0: the "fat" header, six chunk sizes follow
            if (first != 0)
                header.ReadUInt(); // the variables' size
            else
                for (int i = 0; i < 5; i++)
                    header.ReadUInt();
            if (header.Failed)
                return null;
            headerSize = header.NextByteOffset;
        }
        if (boundsSize == 0 || boundsSize > MaxBoundsBytes)
            return null;
        byte[] data = new byte[boundsSize];
        if (read(debugInfo + (ulong)headerSize, data) != data.Length)
            return null;
        var reader = new NibbleReader(data);
        uint count = reader.ReadUInt();
        uint nativeBits = reader.ReadUInt() + 1;
        uint ilBits = reader.ReadUInt() + 1;
        uint sourceBits = layout == Layout.Net10 ? 2u : 3u;
        uint entryBits = nativeBits + ilBits + sourceBits;
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
            uint source = (uint)(entry & ((1UL << (int)sourceBits) - 1));
            entry >>= (int)sourceBits;
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
