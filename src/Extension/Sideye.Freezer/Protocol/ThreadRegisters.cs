namespace Sideye.Freezer.Protocol;

/// <summary>A thread's general registers at the instant it was stopped (x86_64), by name.</summary>
public sealed record ThreadRegisters(
    int Tid,
    ulong Rax, ulong Rbx, ulong Rcx, ulong Rdx, ulong Rsi, ulong Rdi, ulong Rbp, ulong Rsp,
    ulong R8, ulong R9, ulong R10, ulong R11, ulong R12, ulong R13, ulong R14, ulong R15,
    ulong Rip, ulong Eflags, ulong Cs, ulong Ss, ulong Ds, ulong Es, ulong Fs, ulong Gs, ulong FsBase, ulong GsBase);
