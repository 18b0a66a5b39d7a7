using Sideye.Freezer.Native;

namespace Sideye.Freezer;

/// <summary>
/// Makes one interrupted thread run one syscall and stops it again at its exit: registers pointed at a syscall
/// instruction, resumed with PTRACE_SYSCALL (never PTRACE_CONT: if the call fails to start there is no event, and the
/// thread would run on past the gadget), then syscall-enter, any clone event, syscall-exit.
/// </summary>
internal sealed class SyscallInjection
{
    private enum Phase { Entering, Exiting, Done, Failed }

    private const int SCHED_FIFO = 1;

    private readonly Tracee _thread;
    private Phase _phase;
    private (int Policy, int Priority)? _scheduling;

    public SyscallInjection(Tracee thread) => _thread = thread;

    public Tracee Thread => _thread;

    public bool Finished => _phase is Phase.Done or Phase.Failed;

    public bool Succeeded => _phase == Phase.Done;

    /// <summary>What the syscall returned (-errno on failure).</summary>
    public long Result { get; private set; }

    /// <summary>The new process a clone() created, from PTRACE_EVENT_CLONE (0 until then).</summary>
    public int ChildPid { get; private set; }

    public string? Error { get; private set; }

    public bool Start(ulong gadget, long number, ulong a0 = 0, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, int options = Ptrace.PTRACE_O_TRACESYSGOOD)
    {
        UserRegisters call = SyscallRestart.Call(_thread.Saved, gadget, number, a0, a1, a2, a3);
        // The call runs on the target's thread, and the process stays stopped until it returns: let nothing on the
        // machine preempt it (a clone() of a large process is ~10 ms of kernel work). Put back in Restore.
        _scheduling = Ptrace.GetScheduling(_thread.Tid);
        if (_scheduling is not null && !Ptrace.SetScheduling(_thread.Tid, SCHED_FIFO, 49))
            _scheduling = null;
        if (!Ptrace.SetRegisters(_thread.Tid, call) || !Ptrace.SetOptions(_thread.Tid, options) || !Ptrace.ResumeToSyscall(_thread.Tid))
            return Fail($"could not steer thread {_thread.Tid} (errno {Ptrace.LastError})");
        _phase = Phase.Entering;
        return true;
    }

    /// <summary>Advances on a waitpid report for the injecting thread.</summary>
    public void OnStop(WaitStatus status)
    {
        if (status.Gone)
        {
            _thread.Gone = true;
            Fail($"thread {_thread.Tid} ended during the injected call ({status})");
            return;
        }
        if (!status.Stopped || Finished)
            return;
        if (status.SyscallStop)
        {
            if (_phase == Phase.Entering)
            {
                _phase = Phase.Exiting;
            }
            else
            {
                if (!Ptrace.GetRegisters(_thread.Tid, out UserRegisters now))
                {
                    Fail($"could not read thread {_thread.Tid}'s registers (errno {Ptrace.LastError})");
                    return;
                }
                Result = now.Result;
                if (!SyscallRestart.WillRestart(Result))
                {
                    _phase = Phase.Done;
                    return;
                }
                _phase = Phase.Entering; // interrupted by a signal: the kernel enters the call again
            }
        }
        else if (status.Event == Ptrace.PTRACE_EVENT_CLONE)
        {
            if (Ptrace.GetEventMessage(_thread.Tid, out ulong child))
                ChildPid = (int)child;
        }
        else if (status.Event == 0)
        {
            _thread.LateSignal = status.StopSignal; // held back now, delivered once the thread is ours no more
        }
        if (!Ptrace.ResumeToSyscall(_thread.Tid))
            Fail($"could not resume thread {_thread.Tid} (errno {Ptrace.LastError})");
    }

    /// <summary>Puts the thread back as it was before the injection (with the kernel's syscall restart done by hand).</summary>
    public bool Restore()
    {
        if (_scheduling is (int policy, int priority))
            Ptrace.SetScheduling(_thread.Tid, policy, priority);
        _scheduling = null;
        Ptrace.SetOptions(_thread.Tid, 0);
        return Ptrace.SetRegisters(_thread.Tid, SyscallRestart.Restored(_thread.Saved));
    }

    private bool Fail(string error)
    {
        Error = error;
        _phase = Phase.Failed;
        return false;
    }
}
