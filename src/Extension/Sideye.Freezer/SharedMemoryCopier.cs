using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using Sideye.Freezer.Protocol;

namespace Sideye.Freezer;

/// <summary>
/// Copies the memory a clone does not freeze: writable shared mappings. With W^X on (the runtime's default) the
/// runtime double-maps JIT code, stubs, the loader heaps holding MethodTables and primitive statics through a memfd
/// with MAP_SHARED; copy-on-write does not apply there, so a clone shows the target's current statics instead of
/// the snapshot instant's. The copy must happen while the target is stopped, and costs ~1 ms per 2 MB, 10 MB for an
/// ASP.NET Core server. So the mappings' files are opened before the pause (/proc/PID/map_files, root only) and read
/// while the kernel is busy cloning: a read through the file takes no lock on the target's address space, which
/// clone() holds for writing, so on a second core the copy costs the pause nothing. Without map_files the copy is
/// made through /proc/PID/mem before the clone starts.
/// </summary>
internal sealed class SharedMemoryCopier : IDisposable
{
    private const long MaxBytes = 256L << 20;

    private readonly int _pid;
    private readonly List<Region> _regions = new();
    private readonly Dictionary<string, SafeFileHandle> _files = new();
    private byte[] _buffer = [];

    private SharedMemoryCopier(int pid) => _pid = pid;

    /// <summary>Why some shared memory is not the instant's (too large, mapped after the warm-up); null when all is.</summary>
    public string? Warning { get; private set; }

    /// <summary>True when the copy can run concurrently with the clone (through the mappings' files).</summary>
    public bool ThroughFiles { get; private set; }

    /// <summary>Before the pause: lists the writable shared mappings, opens their files, allocates the copy.</summary>
    public static SharedMemoryCopier Prepare(int pid)
    {
        var copier = new SharedMemoryCopier(pid);
        long total = 0;
        foreach (Mapping map in ProcFs.Maps(pid).Where(m => m.WritableShared))
        {
            long length = (long)(map.End - map.Start);
            if (total + length > MaxBytes)
            {
                copier.Warning = $"writable shared memory beyond {MaxBytes >> 20} MB was not copied: statics there show their current values, not the snapshot's";
                break;
            }
            copier._regions.Add(new Region(map.Start, length, map.Offset, map.FileId, total));
            total += length;
        }
        copier.ThroughFiles = copier._regions.Count > 0 && copier._regions.All(copier.TryOpen);
        copier._buffer = GC.AllocateUninitializedArray<byte>((int)total);
        copier._buffer.AsSpan().Clear(); // touch every page now, not inside the pause
        return copier;
    }

    /// <summary>During the pause: copies every region (through the files, or through /proc/PID/mem).</summary>
    public void Copy()
    {
        if (_regions.Count == 0)
            return;
        using ProcessMemory? memory = ThroughFiles ? null : new ProcessMemory(_pid);
        foreach (Region r in _regions)
        {
            Span<byte> into = _buffer.AsSpan((int)r.BufferOffset, (int)r.Length);
            int read = memory?.Read(r.Start, into) ?? RandomAccess.Read(_files[r.FileId], into, r.FileOffset);
            r.Read = Math.Max(read, 0);
        }
    }

    /// <summary>
    /// After the pause: stores the copy for the capture to overlay on the clone ("SDYSHM01", count, (start, length)
    /// pairs, bytes), and notes shared mappings the clone has that the copy lacks (mapped after the warm-up).
    /// </summary>
    public SharedMemoryCopy? Write(string path, int clonePid)
    {
        var missing = ProcFs.Maps(clonePid).Where(m => m.WritableShared && !_regions.Any(r => r.Start <= m.Start && m.End <= r.Start + (ulong)r.Length)).ToList();
        if (missing.Count > 0)
            Warning ??= $"{missing.Sum(m => (long)(m.End - m.Start)) >> 10} KB of writable shared memory was mapped after the warm-up and not copied: statics there show their current values";
        var kept = _regions.Where(r => r.Read > 0).ToList();
        if (kept.Count == 0)
            return null;
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        Span<byte> word = stackalloc byte[8];
        file.Write("SDYSHM01"u8);
        BinaryPrimitives.WriteInt64LittleEndian(word, kept.Count);
        file.Write(word);
        foreach (Region r in kept)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(word, r.Start);
            file.Write(word);
            BinaryPrimitives.WriteInt64LittleEndian(word, r.Read);
            file.Write(word);
        }
        foreach (Region r in kept)
            file.Write(_buffer, (int)r.BufferOffset, r.Read);
        return new SharedMemoryCopy(path, kept.Sum(r => (long)r.Read), kept.Count);
    }

    private bool TryOpen(Region region)
    {
        if (_files.ContainsKey(region.FileId))
            return true;
        try
        {
            _files[region.FileId] = File.OpenHandle($"/proc/{_pid}/map_files/{region.Start:x}-{region.Start + (ulong)region.Length:x}", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (SafeFileHandle handle in _files.Values)
            handle.Dispose();
        _files.Clear();
    }

    private sealed class Region(ulong start, long length, long fileOffset, string fileId, long bufferOffset)
    {
        public ulong Start { get; } = start;
        public long Length { get; } = length;
        public long FileOffset { get; } = fileOffset;
        public string FileId { get; } = fileId;
        public long BufferOffset { get; } = bufferOffset;
        public int Read { get; set; }
    }
}
