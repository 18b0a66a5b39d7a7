using System.Diagnostics;
using Sideye.Freezer.Native;

namespace Sideye.Freezer;

/// <summary>
/// Stops threads with PTRACE_SEIZE + PTRACE_INTERRUPT. Seizing stops nothing, so every thread of every process is
/// seized first; the interrupts then go out back to back (the stop is one instant for all processes), and threads
/// created meanwhile are found by re-reading /proc until the list holds still.
/// </summary>
internal sealed class ThreadStopper
{
    private readonly Dictionary<int, Tracee> _byTid = new();

    /// <summary>When the first interrupt went out (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long FirstInterrupt { get; private set; }

    public IReadOnlyDictionary<int, Tracee> ByTid => _byTid;

    public IEnumerable<Tracee> ThreadsOf(int pid) => _byTid.Values.Where(t => t.Pid == pid);

    /// <summary>Seizes the given threads (all of the process's when null); returns the errno of a refused seize, 0 when all went.</summary>
    public int Seize(int pid, IEnumerable<int>? tids = null)
    {
        int refused = 0;
        foreach (int tid in tids ?? ProcFs.Tasks(pid))
        {
            if (_byTid.ContainsKey(tid))
                continue;
            if (Ptrace.Seize(tid))
                _byTid[tid] = new Tracee(pid, tid);
            else if (Ptrace.LastError != Ptrace.ESRCH) // a thread that just ended is no refusal
                refused = Ptrace.LastError;
        }
        return refused;
    }

    /// <summary>Interrupts every seized thread, then those of <paramref name="allThreadsOf"/> created since.</summary>
    public void InterruptAll(IReadOnlyCollection<int> allThreadsOf)
    {
        FirstInterrupt = Stopwatch.GetTimestamp();
        foreach (Tracee t in _byTid.Values)
            Interrupt(t);
        for (int round = 0; round < 50; round++)
        {
            int before = _byTid.Count;
            foreach (int pid in allThreadsOf)
                Seize(pid);
            if (_byTid.Count == before)
                break;
            foreach (Tracee t in _byTid.Values.Where(t => !t.Stopped && !_interrupted.Contains(t.Tid)))
                Interrupt(t);
        }
    }

    private readonly HashSet<int> _interrupted = new();

    private void Interrupt(Tracee t)
    {
        if (_interrupted.Add(t.Tid) && !Ptrace.Interrupt(t.Tid))
            t.Gone = t.Stopped = true;
    }

    /// <summary>Waits until every seized thread has stopped (or ended); other reports go to <paramref name="other"/>.</summary>
    public void WaitAllStopped(Action<int, WaitStatus>? other = null)
    {
        while (_byTid.Values.Any(t => !t.Stopped))
        {
            int pid = Ptrace.Wait(-1, out WaitStatus status);
            if (pid < 0)
            {
                // ECHILD: nothing left to wait for; what has not reported has gone.
                foreach (Tracee t in _byTid.Values.Where(t => !t.Stopped))
                    t.Gone = t.Stopped = true;
                return;
            }
            if (_byTid.TryGetValue(pid, out Tracee? tracee))
                tracee.OnStop(status);
            else
                other?.Invoke(pid, status);
        }
    }

    public void SaveRegisters()
    {
        foreach (Tracee t in _byTid.Values.Where(t => t is { Stopped: true, Gone: false }))
            t.HasRegisters = Ptrace.GetRegisters(t.Tid, out t.Saved);
    }

    /// <summary>Detaches every thread of a process (handing back held signals) and forgets them.</summary>
    public void DetachAll(int pid)
    {
        foreach (Tracee t in ThreadsOf(pid).ToList())
        {
            t.Detach();
            _byTid.Remove(t.Tid);
        }
    }
}
