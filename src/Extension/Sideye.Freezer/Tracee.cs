using Sideye.Freezer.Native;

namespace Sideye.Freezer;

/// <summary>One thread of a target while the freezer traces it.</summary>
internal sealed class Tracee(int pid, int tid)
{
    public int Pid { get; } = pid;
    public int Tid { get; } = tid;

    /// <summary>Stopped and ours to read or steer (or gone).</summary>
    public bool Stopped { get; set; }

    public bool Gone { get; set; }

    /// <summary>Stopped by our PTRACE_INTERRUPT (not at a signal, not in a group-stop): the only kind safe to inject into.</summary>
    public bool Interrupted { get; set; }

    /// <summary>The signal of a signal-delivery stop: delivered by the detach.</summary>
    public int PendingSignal { get; set; }

    /// <summary>A signal that arrived while the thread ran an injected call, held back then: sent again after the detach.</summary>
    public int LateSignal { get; set; }

    public UserRegisters Saved;

    public bool HasRegisters { get; set; }

    /// <summary>Records what a waitpid reported for this thread while we were stopping it.</summary>
    public void OnStop(WaitStatus status)
    {
        if (status.Gone)
        {
            Gone = true;
            Stopped = true;
            return;
        }
        if (!status.Stopped)
            return;
        Stopped = true;
        if (status.EventStop)
            Interrupted = status.StopSignal == Ptrace.SIGTRAP; // with SIGSTOP & co. it is a group-stop: leave it be
        else if (status.Event == 0)
            PendingSignal = status.StopSignal; // a signal-delivery stop: the signal goes back at detach
    }

    /// <summary>Lets the thread go, handing back any signal we held.</summary>
    public void Detach()
    {
        if (Gone)
            return;
        Ptrace.Detach(Tid, PendingSignal);
        if (LateSignal != 0)
            Ptrace.ThreadKill(Pid, Tid, LateSignal);
    }
}
