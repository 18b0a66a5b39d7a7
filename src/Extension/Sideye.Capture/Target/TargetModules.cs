using Sideye.Capture.Symbols;

namespace Sideye.Capture.Target;

/// <summary>
/// The module files a target has loaded, which is all the spec verbs (`sideye spec check`, `spec vars`) need from it: methods, variables and
/// scopes are then read from those files and their PDBs. A live process is read without pausing it and
/// detached before this returns; a dump is closed again.
/// </summary>
public static class TargetModules
{
    /// <summary>Throws <see cref="TargetException"/> (with what to do) for a bad PID or a non-.NET process.</summary>
    public static (string Description, IReadOnlyList<string> Paths) OfProcess(int pid)
    {
        LinuxProcess process = LinuxProcess.Inspect(pid);
        using OpenedTarget target = TargetOpener.AttachLive(process, suspend: false);
        return (target.Description, TargetMethods.ModulePathsOf(target.Runtime));
    }

    /// <summary>Throws <see cref="TargetException"/> for a missing, truncated or non-.NET dump.</summary>
    public static (string Description, IReadOnlyList<string> Paths) OfDump(string path)
    {
        using OpenedTarget target = TargetOpener.OpenDump(path);
        return (target.Description, TargetMethods.ModulePathsOf(target.Runtime));
    }

    /// <summary>
    /// A dump opened on another machine names module paths that do not exist here: say so, because every
    /// function would then be "not found".
    /// </summary>
    public static string? MissingFilesNote(IReadOnlyList<string> paths)
    {
        int missing = paths.Count(p => !File.Exists(p));
        if (missing == 0)
            return null;
        string example = paths.First(p => !File.Exists(p));
        return $"{missing} of the target's {paths.Count} module files are not on this machine (e.g. {example}); their methods cannot be checked. Run Sideye where the target ran, or with the same files at the same paths.";
    }
}
