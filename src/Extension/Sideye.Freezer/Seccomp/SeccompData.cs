using System.Buffers.Binary;

namespace Sideye.Freezer.Seccomp;

/// <summary>
/// What a seccomp filter sees of a system call: the kernel's <c>struct seccomp_data</c>, 64 little-endian
/// bytes (int nr; u32 arch; u64 instruction_pointer; u64 args[6]) that the program reads 32-bit words of.
/// </summary>
internal sealed class SeccompData
{
    public const int Size = 64;

    /// <summary>AUDIT_ARCH_X86_64: the arch of a 64-bit system call made with the <c>syscall</c> instruction.</summary>
    public const uint AuditArchX86_64 = 0xC000003E;

    public const int MaxArguments = 6;

    private readonly byte[] _bytes = new byte[Size];

    /// <param name="args">
    /// Up to six arguments; missing ones are zero. The kernel shows the filter all six argument registers
    /// (rdi, rsi, rdx, r10, r8, r9), so a caller that passes fewer must have zeroed the others.
    /// </param>
    public SeccompData(int nr, uint arch, ulong instructionPointer, ReadOnlySpan<ulong> args)
    {
        if (args.Length > MaxArguments)
            throw new ArgumentException($"a system call has at most {MaxArguments} arguments, not {args.Length}", nameof(args));

        Nr = nr;
        Arch = arch;
        InstructionPointer = instructionPointer;
        BinaryPrimitives.WriteInt32LittleEndian(_bytes.AsSpan(0), nr);
        BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan(4), arch);
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(8), instructionPointer);
        for (int i = 0; i < args.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan(16 + (8 * i)), args[i]);
    }

    public int Nr { get; }

    public uint Arch { get; }

    public ulong InstructionPointer { get; }

    public ulong Argument(int index) => BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan(16 + (8 * index)));

    /// <summary>The 32-bit word at <paramref name="offset"/> (a multiple of 4 below 64: the filter validator sees to that).</summary>
    public uint Word(uint offset) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan((int)offset, 4));
}
