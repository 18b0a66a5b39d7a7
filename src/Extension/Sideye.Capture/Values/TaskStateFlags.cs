namespace Sideye.Capture.Values;

/// <summary>
/// Bits of <c>Task.m_stateFlags</c> (System.Private.CoreLib's Task.cs), read from a target's memory: by the async
/// walk to skip finished calls, and by the value renderer to show a Task's status.
/// </summary>
internal static class TaskStateFlags
{
    public const int Started = 0x10000;
    public const int DelegateInvoked = 0x20000;
    public const int Faulted = 0x200000;
    public const int Canceled = 0x400000;
    public const int WaitingOnChildren = 0x800000;
    public const int RanToCompletion = 0x1000000;
    public const int WaitingForActivation = 0x2000000;

    /// <summary>Ran to completion, faulted or canceled.</summary>
    public const int Completed = RanToCompletion | Faulted | Canceled;

    /// <summary>Task.Status from the flags, tested in the order the runtime's getter tests them.</summary>
    public static string Status(int flags) =>
        (flags & Faulted) != 0 ? "Faulted"
        : (flags & Canceled) != 0 ? "Canceled"
        : (flags & RanToCompletion) != 0 ? "RanToCompletion"
        : (flags & WaitingOnChildren) != 0 ? "WaitingForChildrenToComplete"
        : (flags & DelegateInvoked) != 0 ? "Running"
        : (flags & Started) != 0 ? "WaitingToRun"
        : (flags & WaitingForActivation) != 0 ? "WaitingForActivation"
        : "Created";
}
