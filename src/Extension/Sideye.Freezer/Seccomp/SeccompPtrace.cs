using System.Runtime.InteropServices;

namespace Sideye.Freezer.Seccomp;

/// <summary>The one ptrace request the seccomp check makes. Kept here until the freezer has a shared ptrace class.</summary>
internal static partial class SeccompPtrace
{
    /// <summary>PTRACE_SECCOMP_GET_FILTER (linux/ptrace.h).</summary>
    private const int GetFilterRequest = 0x420C;

    /// <summary>
    /// Copies filter <paramref name="index"/> of thread <paramref name="tid"/> (0 = the oldest: see
    /// <see cref="SeccompFilterReader"/>) into <paramref name="buffer"/> and returns its instruction count,
    /// or -1 with <paramref name="errno"/>. The kernel copies the whole program whatever the buffer's size,
    /// so the buffer must hold <see cref="BpfCode.MaxInstructions"/>.
    /// </summary>
    public static unsafe long GetFilter(int tid, int index, SockFilter[] buffer, out int errno)
    {
        if (buffer.Length < BpfCode.MaxInstructions)
            throw new ArgumentException($"the buffer must hold {BpfCode.MaxInstructions} instructions", nameof(buffer));

        fixed (SockFilter* instructions = buffer)
        {
            long count = Ptrace(GetFilterRequest, tid, index, (nint)instructions);
            errno = count < 0 ? Marshal.GetLastPInvokeError() : 0;
            return count;
        }
    }

    [LibraryImport("libc", EntryPoint = "ptrace", SetLastError = true)]
    private static partial long Ptrace(int request, int pid, nint addr, nint data);
}
