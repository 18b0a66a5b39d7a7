using Microsoft.Win32.SafeHandles;

namespace Sideye.Freezer;

/// <summary>
/// Reads another process's memory with pread on /proc/PID/mem. Not process_vm_readv: since kernel 5.19 its page
/// pinning unshares the copy-on-write pages it reads, so reading a clone that way would copy it.
/// </summary>
internal sealed class ProcessMemory : IDisposable
{
    private readonly SafeFileHandle _handle;

    public ProcessMemory(int pid) => _handle = File.OpenHandle($"/proc/{pid}/mem", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

    /// <summary>Reads up to buffer.Length bytes; returns how many could be read (0 for an unmapped address).</summary>
    public int Read(ulong address, Span<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n;
            try
            {
                n = RandomAccess.Read(_handle, buffer[done..], (long)address + done);
            }
            catch (IOException)
            {
                break; // EIO: an unmapped page
            }
            if (n <= 0)
                break;
            done += n;
        }
        return done;
    }

    public void Dispose() => _handle.Dispose();
}
