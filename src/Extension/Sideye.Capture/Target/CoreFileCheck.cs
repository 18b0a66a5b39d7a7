using System.Buffers.Binary;

namespace Sideye.Capture.Target;

/// <summary>
/// Cheap checks of an ELF core file before ClrMD reads it, so a truncated copy gets a message that says
/// "truncated" instead of a DAC error from deep inside the runtime.
/// </summary>
internal static class CoreFileCheck
{
    /// <summary>Null when the file looks whole; otherwise what is wrong with it.</summary>
    public static string? Problem(string path)
    {
        using FileStream file = File.OpenRead(path);
        Span<byte> header = stackalloc byte[64];
        if (file.Read(header) < 64)
            return "is too small to be a core dump";
        if (!header[..4].SequenceEqual("\x7F"u8.ToArray().Concat("ELF"u8.ToArray()).ToArray()))
            return null; // not ELF (e.g. a Windows minidump): leave it to ClrMD
        if (header[4] != 2 || header[5] != 1)
            return null; // only 64-bit little-endian cores are checked
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(header[0x20..]);
        ushort phentsize = BinaryPrimitives.ReadUInt16LittleEndian(header[0x36..]);
        ushort phnum = BinaryPrimitives.ReadUInt16LittleEndian(header[0x38..]);
        if (BinaryPrimitives.ReadUInt16LittleEndian(header[0x10..]) != 4)
            return "is an ELF file but not a core dump";
        long length = file.Length;
        if (phentsize < 0x30 || (long)phoff + (long)phnum * phentsize > length)
            return $"is truncated: its headers end beyond the file's {length} bytes";
        byte[] table = new byte[phnum * phentsize];
        file.Position = (long)phoff;
        file.ReadExactly(table);
        ulong needed = 0;
        for (int i = 0; i < phnum; i++)
        {
            ReadOnlySpan<byte> ph = table.AsSpan(i * phentsize, phentsize);
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(ph[0x08..]);
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(ph[0x20..]);
            needed = Math.Max(needed, offset + size);
        }
        return needed > (ulong)length
            ? $"is truncated: it holds {length:N0} of the {needed:N0} bytes its headers describe (copy it again, or collect a new one)"
            : null;
    }
}
