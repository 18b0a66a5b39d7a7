using System.Runtime.InteropServices;

namespace SeccompTarget;

/// <summary>The kernel's struct sock_fprog: a program's length and where its instructions are.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockFprog
{
    public ushort Length;
    public SockFilter* Filter;
}
