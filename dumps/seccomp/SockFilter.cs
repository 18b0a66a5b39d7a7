using System.Runtime.InteropServices;

namespace SeccompTarget;

/// <summary>The kernel's struct sock_filter: one classic BPF instruction.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct SockFilter(ushort Code, byte Jt, byte Jf, uint K)
{
    public static SockFilter Stmt(int code, uint k) => new((ushort)code, 0, 0, k);

    public static SockFilter Jump(int code, uint k, byte jt, byte jf) => new((ushort)code, jt, jf, k);
}
