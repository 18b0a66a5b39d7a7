using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Target;

/// <summary>
/// Caches a paused process's memory in 16 KiB pages. ClrMD reads a live Linux process with one
/// process_vm_readv call per read (often 8 bytes); a heap walk makes hundreds of thousands of them. While
/// the target is stopped its memory cannot change, so each page needs to be read once. This is the
/// largest single saving in the pause. Only valid while the target stays paused: create one per pause.
/// </summary>
internal sealed class CachingDataReader : IDataReader, IReadCount, IDisposable
{
    private const int PageShift = 14;
    private const int PageSize = 1 << PageShift;
    private const ulong PageMask = PageSize - 1;

    private readonly IDataReader _inner;
    private readonly Dictionary<ulong, Page> _pages = new();
    private readonly object _lock = new();

    private readonly Func<ModuleInfo, bool>? _modules;
    private readonly IDisposable? _owned;
    private long _reads;

    /// <param name="modules">Which native modules to report (all when null).</param>
    /// <param name="owned">Disposed with this reader (the inner reader, when nobody else owns it).</param>
    public CachingDataReader(IDataReader inner, Func<ModuleInfo, bool>? modules = null, IDisposable? owned = null)
    {
        _inner = inner;
        _modules = modules;
        _owned = owned;
    }

    public string DisplayName => _inner.DisplayName;
    public bool IsThreadSafe => true;
    public OSPlatform TargetPlatform => _inner.TargetPlatform;
    public Architecture Architecture => _inner.Architecture;
    public int ProcessId => _inner.ProcessId;
    public int PointerSize => _inner.PointerSize;

    /// <summary>How many reads were asked of this reader: a walk's sign of life (<see cref="StallGuard"/>).</summary>
    public long Reads => Volatile.Read(ref _reads);

    public IEnumerable<ModuleInfo> EnumerateModules() => _modules is null ? _inner.EnumerateModules() : _inner.EnumerateModules().Where(_modules);

    public bool GetThreadContext(uint threadID, uint contextFlags, Span<byte> context) =>
        _inner.GetThreadContext(threadID, contextFlags, context);

    public void FlushCachedData()
    {
        lock (_lock)
            _pages.Clear();
        _inner.FlushCachedData();
    }

    public int Read(ulong address, Span<byte> buffer)
    {
        // A heartbeat, not a tally: a plain increment (a lost one under a race changes nothing), since this runs inside
        // stop mode's pause, hundreds of thousands of times.
        _reads++;
        if (buffer.Length > PageSize)
            return _inner.Read(address, buffer); // large reads gain nothing from the cache
        lock (_lock)
        {
            int done = 0;
            while (done < buffer.Length)
            {
                ulong at = address + (ulong)done;
                ulong pageBase = at & ~PageMask;
                int offset = (int)(at - pageBase);
                Page page = GetPage(pageBase);
                int available = page.Valid - offset;
                if (available <= 0)
                {
                    // The page was only partly readable (a mapping ends inside it): ask the target directly.
                    int direct = _inner.Read(at, buffer[done..]);
                    return done + Math.Max(direct, 0);
                }
                int take = Math.Min(available, buffer.Length - done);
                page.Data.AsSpan(offset, take).CopyTo(buffer[done..]);
                done += take;
            }
            return done;
        }
    }

    public unsafe bool Read<T>(ulong address, out T value) where T : unmanaged
    {
        T result = default;
        Span<byte> bytes = new(Unsafe.AsPointer(ref result), sizeof(T));
        bool ok = Read(address, bytes) == sizeof(T);
        value = ok ? result : default;
        return ok;
    }

    public T Read<T>(ulong address) where T : unmanaged
    {
        Read(address, out T value);
        return value;
    }

    public bool ReadPointer(ulong address, out ulong value)
    {
        if (PointerSize == 8)
            return Read(address, out value);
        bool ok = Read(address, out uint v32);
        value = v32;
        return ok;
    }

    public ulong ReadPointer(ulong address)
    {
        ReadPointer(address, out ulong value);
        return value;
    }

    private Page GetPage(ulong pageBase)
    {
        if (!_pages.TryGetValue(pageBase, out Page? page))
        {
            byte[] data = new byte[PageSize];
            int read = _inner.Read(pageBase, data);
            page = new Page(data, Math.Max(read, 0));
            _pages[pageBase] = page;
        }
        return page;
    }

    public void Dispose()
    {
        lock (_lock)
            _pages.Clear(); // the inner reader belongs to the DataTarget that attached, unless it was handed to us
        _owned?.Dispose();
    }

    private sealed record Page(byte[] Data, int Valid);
}
