namespace Sideye.Freezer.Seccomp;

/// <summary>Names of the x86-64 system calls the freezer injects (and their relatives), for reasons a person reads.</summary>
internal static class SyscallNames
{
    public const int Read = 0, Write = 1, RtSigreturn = 15, Clone = 56, Fork = 57, Vfork = 58, Exit = 60, Wait4 = 61,
        Clone3 = 435;

    /// <summary>"clone()" for a known call, "system call 123" otherwise.</summary>
    public static string Call(long nr) => nr switch
    {
        Read => "read()",
        Write => "write()",
        RtSigreturn => "rt_sigreturn()",
        Clone => "clone()",
        Fork => "fork()",
        Vfork => "vfork()",
        Exit => "exit()",
        Wait4 => "wait4()",
        Clone3 => "clone3()",
        _ => $"system call {nr}",
    };
}
