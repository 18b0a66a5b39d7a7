using Sideye.Freezer.Native;

namespace Sideye.Freezer;

/// <summary>
/// Kills clones and reaps them. A clone is the target's child with exit signal 0: the target gets no SIGCHLD and its
/// own waitpid(-1) never sees such a "clone child", so once dead it would stay a zombie of the target forever. The
/// target is made to reap it: one thread is interrupted and runs wait4(clone, NULL, WNOHANG|__WALL, NULL); the
/// other threads keep running.
/// </summary>
internal static class CloneReaper
{
    private const long SYS_wait4 = 61;

    /// <summary>Kills a clone we hold and has the target reap it; null when done, else what failed.</summary>
    public static string? KillAndReap(int pid, int clone, ulong gadget)
    {
        Ptrace.Kill(clone, Ptrace.SIGKILL);
        while (Ptrace.Wait(clone, out WaitStatus status) == clone && !status.Gone)
        {
            // a stop that was on its way before the kill: the kill still ends it
        }
        // A target that has exited hands its children to init (or a subreaper), which reaps them.
        return ProcFs.State(pid) is null or 'Z' or 'X' ? null : Reap(pid, clone, gadget);
    }

    /// <summary>
    /// Reaps what an earlier run left when it was killed mid-way: a dead clone (zombie), or a stopped one whose tracer
    /// died before tying its life to it. A clone still traced by a live process belongs to a run in progress: left be.
    /// </summary>
    public static int ReapLeftovers(int pid, ulong gadget, Action<string> log)
    {
        int reaped = 0;
        foreach (ChildProcess child in ProcFs.SilentChildren(pid))
        {
            if (ProcFs.TracerPid(child.Pid) is int tracer and not 0 && Directory.Exists($"/proc/{tracer}"))
                continue;
            if (child.State != 'Z')
            {
                Ptrace.Kill(child.Pid, Ptrace.SIGKILL);
                for (int i = 0; i < 200 && ProcFs.State(child.Pid) is char s && s != 'Z'; i++)
                    Thread.Sleep(1);
            }
            if (Reap(pid, child.Pid, gadget) is string error)
                log($"process {pid}: a clone left by an earlier run ({child.Pid}) could not be reaped: {error}");
            else
                reaped++;
        }
        return reaped;
    }

    /// <summary>Makes one thread of <paramref name="pid"/> call wait4 on the dead clone; retried while it is not a zombie yet.</summary>
    private static string? Reap(int pid, int clone, ulong gadget)
    {
        string? error = null;
        for (int attempt = 0; attempt < 50; attempt++)
        {
            long result = InjectWait4(pid, clone, gadget, out error);
            if (error is not null)
                return error;
            if (result == clone || result == -Ptrace.ECHILD)
                return null; // reaped now, or already gone
            Thread.Sleep(2); // 0: not dead yet
        }
        return $"the clone {clone} did not die";
    }

    private static long InjectWait4(int pid, int clone, ulong gadget, out string? error)
    {
        error = null;
        foreach (int tid in ProcFs.Tasks(pid).OrderBy(t => t == pid ? 0 : 1).Take(4))
        {
            var stopper = new ThreadStopper();
            if (stopper.Seize(pid, [tid]) != 0 || !stopper.ByTid.ContainsKey(tid))
                continue;
            stopper.InterruptAll([]);
            stopper.WaitAllStopped();
            stopper.SaveRegisters();
            Tracee thread = stopper.ByTid[tid];
            try
            {
                if (!thread.Interrupted || !thread.HasRegisters)
                    continue; // stopped at a signal or in a group-stop: try another thread
                if (SeccompGate.Refusal(tid, gadget, SYS_wait4, (ulong)clone, 0, Ptrace.WNOHANG | Ptrace.__WALL, 0) is string refusal)
                {
                    error = refusal;
                    return 0;
                }
                var injection = new SyscallInjection(thread);
                if (!injection.Start(gadget, SYS_wait4, (ulong)clone, 0, Ptrace.WNOHANG | Ptrace.__WALL, 0))
                {
                    injection.Restore();
                    continue;
                }
                while (!injection.Finished && Ptrace.Wait(tid, out WaitStatus status) == tid)
                    injection.OnStop(status);
                injection.Restore();
                if (injection.Succeeded)
                    return injection.Result;
            }
            finally
            {
                stopper.DetachAll(pid);
            }
        }
        error = "no thread of the process could be stopped to reap it";
        return 0;
    }
}
