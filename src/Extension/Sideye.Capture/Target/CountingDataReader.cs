using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Target;

/// <summary>A core dump's reader, with its reads counted (<see cref="IReadCount"/>); everything else passes through.</summary>
internal sealed class CountingDataReader(IDataReader inner) : IDataReader, IReadCount
{
    private long _reads;

    public long Reads => Volatile.Read(ref _reads);

    public string DisplayName => inner.DisplayName;
    public bool IsThreadSafe => inner.IsThreadSafe;
    public OSPlatform TargetPlatform => inner.TargetPlatform;
    public Architecture Architecture => inner.Architecture;
    public int ProcessId => inner.ProcessId;
    public int PointerSize => inner.PointerSize;

    public IEnumerable<ModuleInfo> EnumerateModules() => inner.EnumerateModules();

    public bool GetThreadContext(uint threadID, uint contextFlags, Span<byte> context) => inner.GetThreadContext(threadID, contextFlags, context);

    public void FlushCachedData() => inner.FlushCachedData();

    public int Read(ulong address, Span<byte> buffer)
    {
        _reads++; // a heartbeat, not a tally (see CachingDataReader.Read)
        return inner.Read(address, buffer);
    }

    public bool Read<T>(ulong address, out T value) where T : unmanaged
    {
        _reads++; // a heartbeat, not a tally (see CachingDataReader.Read)
        return inner.Read(address, out value);
    }

    public T Read<T>(ulong address) where T : unmanaged
    {
        _reads++; // a heartbeat, not a tally (see CachingDataReader.Read)
        return inner.Read<T>(address);
    }

    public bool ReadPointer(ulong address, out ulong value)
    {
        _reads++; // a heartbeat, not a tally (see CachingDataReader.Read)
        return inner.ReadPointer(address, out value);
    }

    public ulong ReadPointer(ulong address)
    {
        _reads++; // a heartbeat, not a tally (see CachingDataReader.Read)
        return inner.ReadPointer(address);
    }
}
