using System.Runtime.InteropServices;

namespace Sideye.Freezer.Seccomp;

/// <summary>
/// One classic BPF instruction, laid out as the kernel's <c>struct sock_filter</c> (8 bytes), so that
/// PTRACE_SECCOMP_GET_FILTER can copy a program straight into an array of these.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct SockFilter(ushort Code, byte Jt, byte Jf, uint K)
{
    /// <summary>BPF_STMT: an instruction that does not branch.</summary>
    public static SockFilter Stmt(int code, uint k) => new((ushort)code, 0, 0, k);

    /// <summary>BPF_JUMP: a conditional jump, <paramref name="jt"/>/<paramref name="jf"/> instructions forward past the next one.</summary>
    public static SockFilter Jump(int code, uint k, byte jt, byte jf) => new((ushort)code, jt, jf, k);

    public override string ToString() => $"{{ 0x{Code:x2}, {Jt}, {Jf}, 0x{K:x8} }}";
}
