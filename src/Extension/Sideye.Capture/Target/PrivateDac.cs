using System.Diagnostics;

namespace Sideye.Capture.Target;

/// <summary>
/// A copy of a DAC for one opened target, so that no two targets share a loaded DAC.
/// </summary>
/// <remarks>
/// A DAC keeps process-wide state: one lock that every call of every instance takes, and its globals. Two targets of
/// one runtime version opened from the same file share the one loaded library (the loader matches the file, by path and
/// by inode, so a link would not do: it must be a copy). Shared, the walks of several processes take turns on that lock
/// instead of running in parallel, and a DAC call that never returns (it loops forever on a type table the runtime was
/// growing at the frozen instant; see <see cref="WalkStalledException"/>) holds every other process's walk with it.
/// A copy is about 2 MB and one millisecond. When it cannot be made (no space, an unwritable or noexec temp folder) the
/// original is used, as before.
/// </remarks>
internal sealed class PrivateDac : IDisposable
{
    private const string Prefix = "sideye-dac-";
    private static int s_leftoversSwept;
    private readonly string? _folder;

    private PrivateDac(string path, string? folder)
    {
        Path = path;
        _folder = folder;
    }

    /// <summary>The DAC to load: the private copy, or the original when no copy could be made.</summary>
    public string Path { get; }

    /// <summary>
    /// Copies <paramref name="dac"/> into a folder of its own under the temp folder. SIDEYE_SHARED_DAC=1 shares the
    /// original instead, as before (dumps/benchmark-multi.sh compares the two).
    /// </summary>
    public static PrivateDac Of(string dac)
    {
        if (Environment.GetEnvironmentVariable("SIDEYE_SHARED_DAC") == "1")
            return Unshared(dac);
        if (Interlocked.Exchange(ref s_leftoversSwept, 1) == 0)
            SweepLeftovers();
        string folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            string copy = System.IO.Path.Combine(folder, System.IO.Path.GetFileName(dac));
            File.Copy(dac, copy);
            return new PrivateDac(copy, folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(folder);
            return new PrivateDac(dac, folder: null);
        }
    }

    /// <summary>The original file, shared with every other target of that runtime: for a copy that failed to load.</summary>
    public static PrivateDac Unshared(string dac) => new(dac, folder: null);

    /// <summary>Deletes the copy: only once the library is unloaded (the target disposed), or never (abandoned).</summary>
    public void Dispose()
    {
        if (_folder is not null)
            TryDelete(_folder);
    }

    /// <summary>Copies that a process which has exited left behind (killed, or with an abandoned walk).</summary>
    private static void SweepLeftovers()
    {
        try
        {
            foreach (string folder in Directory.EnumerateDirectories(System.IO.Path.GetTempPath(), Prefix + "*"))
            {
                string rest = System.IO.Path.GetFileName(folder)[Prefix.Length..];
                int dash = rest.IndexOf('-');
                if (dash > 0 && int.TryParse(rest[..dash], out int pid) && pid != Environment.ProcessId && !Alive(pid))
                    TryDelete(folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Leftovers only cost disk space; the next run tries again.
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A copy still mapped by an abandoned walk, or already gone: swept by a later run.
        }
    }
}
