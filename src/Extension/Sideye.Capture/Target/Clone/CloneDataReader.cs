using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;
using Microsoft.Diagnostics.Runtime.DataReaders.Implementation;
using Microsoft.Win32.SafeHandles;
using Sideye.Freezer.Protocol;

namespace Sideye.Capture.Target.Clone;

/// <summary>
/// ClrMD's view of a frozen clone: memory from /proc/CLONE/mem (pread: ClrMD's own process_vm_readv would unshare,
/// i.e. copy, every copy-on-write page it touched), overlaid with the shared memory the freezer copied at the
/// instant; thread contexts from the registers the target's threads had then (the clone has one thread, a copy of
/// the one that called clone()); modules from the clone's maps, which equal the target's.
/// </summary>
internal sealed class CloneDataReader : IDataReader, IThreadReader, IDisposable
{
    private const uint ContextAmd64Control = 0x100001, ContextAmd64Integer = 0x100002, ContextAmd64Segments = 0x100004;
    private const int ContextAmd64Size = 0x4D0;

    private readonly SafeFileHandle _memory;
    private readonly SharedOverlay _shared;
    private readonly Dictionary<uint, ThreadRegisters> _threads;
    private readonly int _clonePid;
    private readonly Func<string, bool> _moduleFilter;

    /// <param name="moduleFilter">Which mapped files to report as modules (by path): creating one reads its headers.</param>
    public CloneDataReader(int targetPid, int clonePid, IReadOnlyList<ThreadRegisters> threads, SharedOverlay shared, Func<string, bool> moduleFilter)
    {
        ProcessId = targetPid;
        _clonePid = clonePid;
        _memory = File.OpenHandle($"/proc/{clonePid}/mem", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        _shared = shared;
        _threads = threads.ToDictionary(t => (uint)t.Tid);
        _moduleFilter = moduleFilter;
    }

    public string DisplayName => $"clone {_clonePid} of process {ProcessId}";
    public bool IsThreadSafe => true;
    public OSPlatform TargetPlatform => OSPlatform.Linux;
    public Architecture Architecture => Architecture.X64;
    public int ProcessId { get; }
    public int PointerSize => 8;

    public IEnumerable<ModuleInfo> EnumerateModules()
    {
        // The lowest mapping of each file is where its image starts.
        var bases = new Dictionary<string, ulong>();
        foreach (string line in File.ReadLines($"/proc/{_clonePid}/maps"))
        {
            string[] parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 6 || parts[5].Length == 0 || parts[5][0] != '/' || !_moduleFilter(parts[5]))
                continue;
            ulong start = ulong.Parse(parts[0].AsSpan(0, parts[0].IndexOf('-', StringComparison.Ordinal)), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (!bases.TryGetValue(parts[5], out ulong known) || start < known)
                bases[parts[5]] = start;
        }
        foreach ((string path, ulong start) in bases)
        {
            if (ModuleInfo.TryCreate(this, start, path) is ModuleInfo module)
                yield return module;
        }
    }

    public IEnumerable<uint> EnumerateOSThreadIds() => _threads.Keys;

    public ulong GetThreadTeb(uint thread) => 0;

    public bool GetThreadContext(uint threadID, uint contextFlags, Span<byte> context)
    {
        if (!_threads.TryGetValue(threadID, out ThreadRegisters? r) || context.Length < ContextAmd64Size)
            return false;
        context[..ContextAmd64Size].Clear();
        // The AMD64 CONTEXT record, field by field by name (the kernel's user_regs_struct has another order).
        BinaryPrimitives.WriteUInt32LittleEndian(context[0x30..], ContextAmd64Control | ContextAmd64Integer | ContextAmd64Segments);
        BinaryPrimitives.WriteUInt16LittleEndian(context[0x38..], (ushort)r.Cs);
        BinaryPrimitives.WriteUInt16LittleEndian(context[0x3A..], (ushort)r.Ds);
        BinaryPrimitives.WriteUInt16LittleEndian(context[0x3C..], (ushort)r.Es);
        BinaryPrimitives.WriteUInt16LittleEndian(context[0x3E..], (ushort)r.Fs);
        BinaryPrimitives.WriteUInt16LittleEndian(context[0x40..], (ushort)r.Gs);
        BinaryPrimitives.WriteUInt16LittleEndian(context[0x42..], (ushort)r.Ss);
        BinaryPrimitives.WriteUInt32LittleEndian(context[0x44..], (uint)r.Eflags);
        ReadOnlySpan<ulong> integer = [r.Rax, r.Rcx, r.Rdx, r.Rbx, r.Rsp, r.Rbp, r.Rsi, r.Rdi, r.R8, r.R9, r.R10, r.R11, r.R12, r.R13, r.R14, r.R15, r.Rip];
        for (int i = 0; i < integer.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(context[(0x78 + i * 8)..], integer[i]);
        return true;
    }

    public void FlushCachedData()
    {
    }

    public int Read(ulong address, Span<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            ulong at = address + (ulong)done;
            Span<byte> rest = buffer[done..];
            // Inside a copied range: the bytes of the instant. Before one: memory up to where it starts.
            int copied = _shared.Read(at, rest, out ulong nextCopied);
            if (copied > 0)
            {
                done += copied;
                continue;
            }
            int want = nextCopied > at ? (int)Math.Min((ulong)rest.Length, nextCopied - at) : rest.Length;
            int read = ReadClone(at, rest[..want]);
            done += read;
            if (read < want)
                break;
        }
        return done;
    }

    private int ReadClone(ulong address, Span<byte> buffer)
    {
        try
        {
            return Math.Max(RandomAccess.Read(_memory, buffer, (long)address), 0);
        }
        catch (IOException)
        {
            return 0; // an unmapped page
        }
    }

    public unsafe bool Read<T>(ulong address, out T value) where T : unmanaged
    {
        T result = default;
        bool ok = Read(address, new Span<byte>(Unsafe.AsPointer(ref result), sizeof(T))) == sizeof(T);
        value = ok ? result : default;
        return ok;
    }

    public T Read<T>(ulong address) where T : unmanaged
    {
        Read(address, out T value);
        return value;
    }

    public bool ReadPointer(ulong address, out ulong value) => Read(address, out value);

    public ulong ReadPointer(ulong address)
    {
        Read(address, out ulong value);
        return value;
    }

    public void Dispose() => _memory.Dispose();
}
