using System.Buffers.Binary;

namespace Sideye.Capture.Target.Clone;

/// <summary>
/// The writable shared memory the freezer copied at the instant (a clone shares it with the running target, so its
/// own view moves on): sorted ranges, read in place of the clone's bytes. Format: "SDYSHM01", a count, (start,
/// length) pairs, then the bytes.
/// </summary>
internal sealed class SharedOverlay
{
    public static readonly SharedOverlay Empty = new([], [], []);

    private readonly ulong[] _starts;
    private readonly int[] _lengths;
    private readonly byte[][] _bytes;

    private SharedOverlay(ulong[] starts, int[] lengths, byte[][] bytes)
    {
        _starts = starts;
        _lengths = lengths;
        _bytes = bytes;
    }

    public long Bytes => _lengths.Sum(l => (long)l);

    public static SharedOverlay Load(string path)
    {
        byte[] all = File.ReadAllBytes(path);
        if (all.Length < 16 || !all.AsSpan(0, 8).SequenceEqual("SDYSHM01"u8))
            throw new InvalidDataException($"{path} is not a shared memory copy");
        int count = checked((int)BinaryPrimitives.ReadInt64LittleEndian(all.AsSpan(8)));
        var ranges = new (ulong Start, int Length)[count];
        for (int i = 0; i < count; i++)
            ranges[i] = (BinaryPrimitives.ReadUInt64LittleEndian(all.AsSpan(16 + i * 16)), checked((int)BinaryPrimitives.ReadInt64LittleEndian(all.AsSpan(24 + i * 16))));
        int offset = 16 + count * 16;
        var bytes = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            bytes[i] = all.AsSpan(offset, ranges[i].Length).ToArray();
            offset += ranges[i].Length;
        }
        int[] order = Enumerable.Range(0, count).OrderBy(i => ranges[i].Start).ToArray();
        return new SharedOverlay(order.Select(i => ranges[i].Start).ToArray(), order.Select(i => ranges[i].Length).ToArray(), order.Select(i => bytes[i]).ToArray());
    }

    /// <summary>
    /// Copies what the overlay holds at <paramref name="address"/> (0 when it holds nothing there); <paramref name="next"/>
    /// is where the next copied range starts (ulong.MaxValue when none), so a read can stop short of it.
    /// </summary>
    public int Read(ulong address, Span<byte> buffer, out ulong next)
    {
        int i = Array.BinarySearch(_starts, address);
        if (i < 0)
            i = ~i - 1; // the last range starting before the address
        if (i >= 0 && address < _starts[i] + (ulong)_lengths[i])
        {
            int offset = (int)(address - _starts[i]);
            int take = Math.Min(buffer.Length, _lengths[i] - offset);
            _bytes[i].AsSpan(offset, take).CopyTo(buffer);
            next = i + 1 < _starts.Length ? _starts[i + 1] : ulong.MaxValue;
            return take;
        }
        next = i + 1 < _starts.Length ? _starts[i + 1] : ulong.MaxValue;
        return 0;
    }
}
