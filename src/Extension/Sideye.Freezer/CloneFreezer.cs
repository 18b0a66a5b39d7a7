using System.Diagnostics;
using Sideye.Freezer.Native;
using Sideye.Freezer.Protocol;

namespace Sideye.Freezer;

/// <summary>
/// Freezes processes at one instant into copy-on-write clones: every thread of every process is interrupted, each
/// thread's registers are saved, writable shared memory (which a clone would not freeze) is copied, one thread per
/// process is made to call clone() (all processes at once, so the pause is the longest clone, not their sum), and
/// each process's threads are restored and detached as soon as its own clone exists. The clones never run: they are
/// traced by us from their first instruction, die with us (PTRACE_O_EXITKILL), and go first when memory runs out.
/// </summary>
internal sealed class CloneFreezer
{
    private const long SYS_clone = 56;
    private const string HoldVariable = "SIDEYE_FREEZER_HOLD";

    private readonly Dictionary<int, ulong> _gadgets = new();
    private readonly Dictionary<int, int> _clones = new();
    private readonly Dictionary<int, string> _sharedFiles = new();
    private readonly Action<string> _log;

    public CloneFreezer(Action<string> log) => _log = log;

    /// <summary>The clones held now, by the process they were made of.</summary>
    public IReadOnlyDictionary<int, int> Clones => _clones;

    public FreezeReply Freeze(IReadOnlyList<int> pids)
    {
        var targets = pids.Distinct().Select(Prepare).ToList();
        var live = targets.Where(t => t.Error is null).ToList();
        var stopper = new ThreadStopper();
        var earlyStops = new HashSet<int>(); // a clone can report its first stop before its parent's clone event
        using var noGc = new NoGcRegion(); // no collection of ours while targets are stopped
        try
        {
            Ptrace.SetRealtime(true);
            foreach (Target t in live)
            {
                if (stopper.Seize(t.Pid) is int errno and not 0)
                    t.Fail($"cannot trace it (ptrace errno {errno}); run as root or the target's user, and check that no debugger is attached", retryable: true);
            }
            // Interrupt even the processes that failed: a seized thread must be stopped before it can be detached.
            stopper.InterruptAll(live.Select(t => t.Pid).ToList());
            stopper.WaitAllStopped((pid, _) => earlyStops.Add(pid));
            long stopped = Stopwatch.GetTimestamp();
            stopper.SaveRegisters();
            Hold("after-interrupt");

            var injections = new Dictionary<int, (Target Target, SyscallInjection Injection)>();
            foreach (Target t in live.Where(t => t.Error is null))
            {
                t.StopMs = Ms(stopper.FirstInterrupt, stopped);
                if (!stopper.ThreadsOf(t.Pid).Any(x => !x.Gone))
                {
                    t.Fail("it exited while being stopped", retryable: false);
                    continue;
                }
                Tracee? injector = PickInjector(stopper.ThreadsOf(t.Pid));
                if (injector is null)
                {
                    t.Fail("no thread could be stopped at a safe point for the clone", retryable: true);
                    continue;
                }
                if (SeccompGate.Refusal(injector.Tid, t.Gadget, SYS_clone, 0) is string refusal)
                {
                    t.Fail(refusal, retryable: true);
                    continue;
                }
                if (!t.Shared!.ThroughFiles)
                    CopyShared(t); // through the target's address space: must be before the clone locks it
                var injection = new SyscallInjection(injector);
                t.CloneStart = Stopwatch.GetTimestamp();
                // Flags 0: a fork-like child whose exit signal is 0, so the target gets no SIGCHLD for it. TRACECLONE
                // makes the child ours, stopped, from its first instruction.
                t.Injection = injection; // from here on, whatever happens, the finally below puts the thread back
                if (injection.Start(t.Gadget, SYS_clone, options: Ptrace.PTRACE_O_TRACESYSGOOD | Ptrace.PTRACE_O_TRACECLONE | Ptrace.PTRACE_O_TRACEFORK))
                    injections[injector.Tid] = (t, injection);
                else
                    t.Fail(injection.Error!, retryable: true);
            }
            // The kernel is cloning on the targets' threads now: copy their shared memory meanwhile, on our core.
            foreach (Target t in live.Where(t => t.Error is null && t.Shared!.ThroughFiles))
                CopyShared(t);

            while (injections.Values.Any(i => !i.Injection.Finished))
            {
                int pid = Ptrace.Wait(-1, out WaitStatus status);
                if (pid < 0)
                    break;
                if (injections.TryGetValue(pid, out var entry))
                {
                    entry.Injection.OnStop(status);
                    if (entry.Injection.Finished)
                        Finish(entry.Target, entry.Injection, stopper);
                }
                else if (stopper.ByTid.TryGetValue(pid, out Tracee? other))
                {
                    other.OnStop(status);
                }
                else
                {
                    earlyStops.Add(pid);
                }
            }
        }
        finally
        {
            // Whatever happened, every process runs again: restore any thread still steered, detach everything.
            foreach (Target t in targets)
            {
                if (stopper.ThreadsOf(t.Pid).Any())
                {
                    t.Injection?.Restore();
                    stopper.DetachAll(t.Pid);
                    t.Resumed = Stopwatch.GetTimestamp();
                }
            }
            Ptrace.SetRealtime(false);
        }

        foreach (Target t in targets.Where(t => t.ClonePid > 0))
        {
            Adopt(t, earlyStops.Contains(t.ClonePid));
            t.SharedCopy = t.Shared!.Write(Path.Combine(SharedDirectory, $"sideye-freezer-{Environment.ProcessId}-{t.Pid}-{t.ClonePid}.shm"), t.ClonePid);
            t.Threads.AddRange(t.Stopped.Where(x => x is { HasRegisters: true, Gone: false }).Select(Registers));
        }
        foreach (Target t in targets)
        {
            t.Shared?.Dispose();
            if (t.SharedCopy is { } copy)
                _sharedFiles[t.Pid] = copy.File;
        }
        return new FreezeReply(targets.Select(t => t.ToReply(stopper.FirstInterrupt)).ToList());
    }

    /// <summary>Kills and reaps the clone of <paramref name="pid"/>.</summary>
    public ReleaseReply Release(int pid)
    {
        if (!_clones.Remove(pid, out int clone))
            return new ReleaseReply(pid, false, -1, $"no clone of process {pid} is held");
        long extra = ProcFs.PrivateBytes(clone);
        if (_sharedFiles.Remove(pid, out string? file))
            File.Delete(file);
        string? error = CloneReaper.KillAndReap(pid, clone, Gadget(pid));
        return new ReleaseReply(pid, error is null, extra, error);
    }

    private Target Prepare(int pid)
    {
        var target = new Target(pid);
        if (!Directory.Exists($"/proc/{pid}"))
            return target.Fail("no such process", retryable: false);
        try
        {
            target.Gadget = Gadget(pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return target.Fail($"cannot read its memory ({e.Message})", retryable: true);
        }
        if (target.Gadget == 0)
            return target.Fail("no syscall instruction found in its libc", retryable: true);
        // A clone an earlier run could not reap (it was killed mid-way) is reaped now, before the pause.
        target.LeftoversReaped = CloneReaper.ReapLeftovers(pid, target.Gadget, _log);
        target.Shared = SharedMemoryCopier.Prepare(pid);
        return target;
    }

    private ulong Gadget(int pid)
    {
        if (!_gadgets.TryGetValue(pid, out ulong gadget))
            _gadgets[pid] = gadget = SyscallGadget.Find(pid);
        return gadget;
    }

    /// <summary>The leader when it is cleanly interrupted, else any thread that is.</summary>
    private static Tracee? PickInjector(IEnumerable<Tracee> threads)
    {
        var candidates = threads.Where(t => t is { Interrupted: true, Gone: false, HasRegisters: true }).ToList();
        return candidates.FirstOrDefault(t => t.Tid == t.Pid) ?? candidates.FirstOrDefault();
    }

    private void Finish(Target t, SyscallInjection injection, ThreadStopper stopper)
    {
        t.CloneEnd = Stopwatch.GetTimestamp();
        if (injection.Succeeded && injection.Result > 0)
        {
            t.ClonePid = (int)injection.Result;
            Hold("after-clone");
        }
        else
        {
            if (injection.ChildPid > 0)
                Ptrace.Kill(injection.ChildPid, Ptrace.SIGKILL); // made, but the call did not complete cleanly
            t.Fail(injection.Error ?? $"clone() failed in the target (errno {-injection.Result})", retryable: true);
        }
        injection.Restore();
        t.Injection = null;
        t.Stopped = stopper.ThreadsOf(t.Pid).ToList();
        stopper.DetachAll(t.Pid);
        t.Resumed = Stopwatch.GetTimestamp();
    }

    private static void CopyShared(Target t)
    {
        long start = Stopwatch.GetTimestamp();
        t.Shared!.Copy();
        t.SharedCopyMs = Ms(start, Stopwatch.GetTimestamp());
    }

    /// <summary>Where copies of shared memory go: memory-backed when the machine has /dev/shm.</summary>
    private static string SharedDirectory => Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    private static ThreadRegisters Registers(Tracee t)
    {
        UserRegisters r = t.Saved;
        return new ThreadRegisters(t.Tid, r.Rax, r.Rbx, r.Rcx, r.Rdx, r.Rsi, r.Rdi, r.Rbp, r.Rsp, r.R8, r.R9, r.R10, r.R11,
            r.R12, r.R13, r.R14, r.R15, r.Rip, r.Eflags, r.Cs, r.Ss, r.Ds, r.Es, r.Fs, r.Gs, r.FsBase, r.GsBase);
    }

    /// <summary>Takes charge of a new clone: waits for its first stop, ties its life to ours, offers it to the OOM killer.</summary>
    private void Adopt(Target t, bool alreadyStopped)
    {
        if (!alreadyStopped)
            Ptrace.Wait(t.ClonePid, out _);
        // On the clone only: on a target thread, EXITKILL would kill the target if we died.
        Ptrace.SetOptions(t.ClonePid, Ptrace.PTRACE_O_EXITKILL);
        ProcFs.TryWrite($"/proc/{t.ClonePid}/oom_score_adj", "1000");
        _clones[t.Pid] = t.ClonePid;
    }

    /// <summary>Test hook: stops here for a while so a test can kill us (or our caller) at this step.</summary>
    private void Hold(string step)
    {
        if (Environment.GetEnvironmentVariable(HoldVariable) != step)
            return;
        _log($"hold {step}");
        Thread.Sleep(3000);
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private sealed class Target(int pid)
    {
        public int Pid { get; } = pid;
        public ulong Gadget { get; set; }
        public string? Error { get; private set; }
        public bool Retryable { get; private set; }
        public int LeftoversReaped { get; set; }
        public int ClonePid { get; set; }
        public SyscallInjection? Injection { get; set; }
        public List<Tracee> Stopped { get; set; } = new();
        public SharedMemoryCopier? Shared { get; set; }
        public SharedMemoryCopy? SharedCopy { get; set; }
        public double StopMs { get; set; }
        public double SharedCopyMs { get; set; }
        public long CloneStart { get; set; }
        public long CloneEnd { get; set; }
        public long Resumed { get; set; }
        public List<ThreadRegisters> Threads { get; } = new();

        public Target Fail(string error, bool retryable)
        {
            Error ??= error;
            Retryable = retryable;
            return this;
        }

        public FrozenProcess ToReply(long firstInterrupt)
        {
            double total = Resumed > 0 ? Ms(firstInterrupt, Resumed) : 0;
            double resume = Resumed > 0 && CloneEnd > 0 ? Ms(CloneEnd, Resumed) : 0;
            double clone = CloneEnd > 0 ? Ms(CloneStart, CloneEnd) : 0;
            return new FrozenProcess(Pid, Error is null ? ClonePid : 0, Error, Retryable,
                new PauseParts(total, StopMs, SharedCopyMs, clone, resume),
                Error is null ? Threads : [], Error is null ? SharedCopy : null, LeftoversReaped)
            {
                Warning = Shared?.Warning,
            };
        }
    }
}
