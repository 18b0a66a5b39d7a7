using System.Text.RegularExpressions;
using Microsoft.Diagnostics.Runtime;

namespace Sideye.Capture.Target;

/// <summary>Opens live processes and core dumps with ClrMD, turning every failure into an actionable <see cref="TargetException"/>.</summary>
public static partial class TargetOpener
{
    /// <summary>Attaches to a live process. With <paramref name="suspend"/> every thread is stopped (ptrace) until dispose.</summary>
    public static OpenedTarget AttachLive(LinuxProcess process, bool suspend)
    {
        string who = process.Describe();
        RequireDotnet(process);
        DataTarget dataTarget;
        try
        {
            dataTarget = DataTarget.AttachToProcess(process.Pid, suspend);
        }
        catch (Exception e) when (e is not TargetException)
        {
            throw new TargetException(who, $"cannot attach: {e.Message}. Run as root or as the target's user, and check /proc/sys/kernel/yama/ptrace_scope; a debugger already attached also prevents it.", e);
        }
        if (!suspend)
            return CreateRuntime(dataTarget, who, owner: null);
        // While the target is stopped its memory is frozen: read it through a page cache. The attaching
        // DataTarget keeps the ptrace attachment and is disposed last (that detaches).
        // Only the runtime's own module is reported: ClrMD's runtime detection otherwise looks for a runtime export in
        // every one of a service's ~100 mapped files, 6–7 ms inside the pause, and nothing else asks this list.
        var cached = new DataTarget(new CachingDataReader(dataTarget.DataReader, IsRuntimeModule), new DataTargetOptions());
        return CreateRuntime(cached, who, owner: dataTarget);
    }

    /// <summary>Throws the actionable error for a process that runs no .NET runtime.</summary>
    internal static void RequireDotnet(LinuxProcess process)
    {
        if (!process.HasCoreClr)
            throw new TargetException(process.Describe(), "is not a .NET process (no libcoreclr.so is loaded). Sideye snapshots .NET (Core) 3.1+ processes; pick the PID of the dotnet process, e.g. from `dotnet-dump ps`.");
    }

    /// <summary>
    /// Opens the frozen clone of a live process (clone mode): the process itself is running again; the clone holds its
    /// memory at the instant, and <paramref name="frozen"/> its threads' registers and its shared memory as it was.
    /// </summary>
    internal static OpenedTarget OpenClone(LinuxProcess process, Sideye.Freezer.Protocol.FrozenProcess frozen)
    {
        string who = process.Describe();
        Clone.SharedOverlay shared;
        try
        {
            shared = frozen.Shared is { } copy ? Clone.SharedOverlay.Load(copy.File) : Clone.SharedOverlay.Empty;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new TargetException(who, $"the copy of its shared memory could not be read: {e.Message}", e);
        }
        Clone.CloneDataReader reader;
        try
        {
            reader = new Clone.CloneDataReader(process.Pid, frozen.ClonePid, frozen.Threads, shared, path => IsRuntimeModule(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TargetException(who, $"its clone ({frozen.ClonePid}) cannot be read: {e.Message}. Run as root or as the target's user.", e);
        }
        // The clone never changes: its memory goes through the same page cache as a stopped process's.
        var dataTarget = new DataTarget(new CachingDataReader(reader, owned: reader), new DataTargetOptions());
        return CreateRuntime(dataTarget, who, owner: null);
    }

    /// <summary>The DAC that matches a runtime by construction: the one shipped beside its libcoreclr.so.</summary>
    internal static string DacBeside(string runtimeFile) =>
        Path.Combine(Path.GetDirectoryName(runtimeFile) ?? "", "libmscordaccore.so");

    private static bool IsRuntimeModule(ModuleInfo module) => IsRuntimeModule(module.FileName);

    private static bool IsRuntimeModule(string? path) => Path.GetFileName(path) is "libcoreclr.so";

    /// <summary>Opens a core dump.</summary>
    public static OpenedTarget OpenDump(string path)
    {
        string who = $"dump {path}";
        if (!File.Exists(path))
            throw new TargetException(who, "no such file.");
        if (CoreFileCheck.Problem(path) is string problem)
            throw new TargetException(who, problem + ". Create a dump with `dotnet-dump collect -p PID`.");
        DataTarget dataTarget;
        try
        {
            dataTarget = DataTarget.LoadDump(path);
        }
        catch (Exception e)
        {
            throw new TargetException(who, $"cannot be read as a core dump: {e.Message.TrimEnd('.')}. Create one with `dotnet-dump collect -p PID` (type Full or Heap).", e);
        }
        // Its reads counted, for the stall guard; the DataTarget that loaded the file owns it and is disposed last.
        var counted = new DataTarget(new CountingDataReader(dataTarget.DataReader), new DataTargetOptions());
        return CreateRuntime(counted, who, owner: dataTarget);
    }

    private static ClrRuntime CreateRuntime(ClrInfo clr, string dac, string who, string? version)
    {
        try
        {
            return clr.CreateRuntime(dac, ignoreMismatch: true);
        }
        catch (Exception e)
        {
            throw Mismatch(who, dac, version, e);
        }
    }

    private static TargetException Mismatch(string who, string dac, string? version, Exception e) =>
        new(who, $"the DAC at {dac} does not match the target's runtime ({version ?? "unknown version"}): {e.Message}. Install the exact runtime version the target ran.", e);

    private static OpenedTarget CreateRuntime(DataTarget dataTarget, string who, DataTarget? owner)
    {
        try
        {
            ClrInfo? clr = dataTarget.ClrVersions.FirstOrDefault();
            if (clr is null)
                throw new TargetException(who, "has no .NET runtime loaded (no CoreCLR module found). If this is a dump, it may be truncated or of a non-.NET process.");
            string runtimeFile = clr.ModuleInfo.FileName ?? "";
            string? version = RuntimeVersion.Of(clr);
            string dac = DacBeside(runtimeFile);
            if (!File.Exists(dac))
                throw new TargetException(who, $"the runtime's data access library (DAC) was not found at {dac}. Install .NET runtime {version ?? "(unknown version)"} on this machine, or analyze the dump where it was taken.");
            // Runtime 10.x reports version 0.0 to ClrMD 4.2, so the default lookup finds no DAC; the DAC
            // beside the target's libcoreclr.so is the matching one by construction. Each target loads a copy of its own.
            PrivateDac copy = PrivateDac.Of(dac);
            ClrRuntime runtime;
            try
            {
                runtime = clr.CreateRuntime(copy.Path, ignoreMismatch: true);
            }
            catch (Exception) when (copy.Path != dac)
            {
                copy.Dispose(); // a copy that cannot be loaded (a noexec temp folder): the original, shared, as before
                copy = PrivateDac.Unshared(dac);
                runtime = CreateRuntime(clr, dac, who, version);
            }
            catch (Exception e)
            {
                throw Mismatch(who, dac, version, e);
            }
            return new OpenedTarget(dataTarget, runtime, copy, who, version, owner);
        }
        catch
        {
            dataTarget.Dispose();
            owner?.Dispose();
            throw;
        }
    }
}
