using System.Runtime.InteropServices;

namespace Sideye.Freezer.Native;

/// <summary>The kernel's x86_64 <c>struct user_regs_struct</c>, in the kernel's order (PTRACE_GETREGS/SETREGS).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UserRegisters
{
    public ulong R15, R14, R13, R12, Rbp, Rbx, R11, R10, R9, R8, Rax, Rcx, Rdx, Rsi, Rdi, OrigRax, Rip, Cs, Eflags, Rsp, Ss, FsBase, GsBase, Ds, Es, Fs, Gs;

    /// <summary>The value a syscall returned (or -errno), as the kernel leaves it in rax.</summary>
    public readonly long Result => (long)Rax;
}
