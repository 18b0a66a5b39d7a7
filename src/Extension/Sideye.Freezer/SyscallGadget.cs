namespace Sideye.Freezer;

/// <summary>
/// Where in a process a <c>syscall</c> instruction (0f 05) sits: an injected syscall is made by pointing a stopped
/// thread's rip there. Any occurrence in libc's code will do, decoded from there it is a syscall, and the thread is
/// stopped again at the syscall's exit, before the bytes after it could run.
/// </summary>
internal static class SyscallGadget
{
    public static ulong Find(int pid)
    {
        using var memory = new ProcessMemory(pid);
        foreach (Mapping map in ProcFs.Maps(pid))
        {
            if (!map.Executable || !IsLibc(map.Path))
                continue;
            byte[] code = new byte[Math.Min(map.End - map.Start, 8UL << 20)];
            int read = memory.Read(map.Start, code);
            int at = code.AsSpan(0, read).IndexOf("\x0f\x05"u8);
            if (at >= 0)
                return map.Start + (ulong)at;
        }
        return 0;
    }

    private static bool IsLibc(string path)
    {
        string name = Path.GetFileName(path);
        return name.StartsWith("libc.so", StringComparison.Ordinal) || name.StartsWith("libc-", StringComparison.Ordinal) || name.StartsWith("ld-musl", StringComparison.Ordinal);
    }
}
