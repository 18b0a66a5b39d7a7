using System.Runtime.InteropServices;

namespace Sideye.Capture.Dac;

/// <summary>Where the stack and instruction pointers sit in a platform's CONTEXT record.</summary>
internal sealed record ContextLayout(uint Flags, int MinimumSize, int StackPointerOffset, int InstructionPointerOffset)
{
    /// <summary>CONTEXT_AMD64 | CONTROL | INTEGER | FLOATING_POINT; Rsp at 0x98, Rip at 0xF8 in the 0x4D0-byte record.</summary>
    public static readonly ContextLayout Amd64 = new(0x10000B, 0x4D0, 0x98, 0xF8);

    /// <summary>CONTEXT_ARM64 | CONTROL | INTEGER | FLOATING_POINT; Sp at 0x100, Pc at 0x108 in the 0x390-byte record (not yet tried on a machine).</summary>
    public static readonly ContextLayout Arm64 = new(0x400007, 0x390, 0x100, 0x108);

    public static ContextLayout? For(Architecture architecture) => architecture switch
    {
        Architecture.X64 => Amd64,
        Architecture.Arm64 => Arm64,
        _ => null,
    };

    public ulong StackPointer(ReadOnlySpan<byte> context) => BitConverter.ToUInt64(context.Slice(StackPointerOffset, sizeof(ulong)));

    public ulong InstructionPointer(ReadOnlySpan<byte> context) => BitConverter.ToUInt64(context.Slice(InstructionPointerOffset, sizeof(ulong)));
}
