namespace Sideye.Freezer.Seccomp;

/// <summary>
/// Classic BPF opcode parts (linux/bpf_common.h) and the limits the kernel puts on a program (linux/filter.h).
/// An opcode is class | size | mode for loads, class | operation | source for ALU and jumps.
/// </summary>
internal static class BpfCode
{
    // Instruction classes.
    public const int Ld = 0x00, Ldx = 0x01, St = 0x02, Stx = 0x03, Alu = 0x04, Jmp = 0x05, Ret = 0x06, Misc = 0x07;

    // Load sizes.
    public const int W = 0x00, H = 0x08, B = 0x10;

    // Load modes.
    public const int Imm = 0x00, Abs = 0x20, Ind = 0x40, Mem = 0x60, Len = 0x80, Msh = 0xa0;

    // ALU operations.
    public const int Add = 0x00, Sub = 0x10, Mul = 0x20, Div = 0x30, Or = 0x40, And = 0x50, Lsh = 0x60, Rsh = 0x70,
        Neg = 0x80, Mod = 0x90, Xor = 0xa0;

    // Jump operations.
    public const int Ja = 0x00, Jeq = 0x10, Jgt = 0x20, Jge = 0x30, Jset = 0x40;

    // Operand sources: the constant k or the X register (for RET: k or A).
    public const int K = 0x00, X = 0x08, A = 0x10;

    // MISC operations.
    public const int Tax = 0x00, Txa = 0x80;

    /// <summary>BPF_MAXINSNS: the longest program the kernel accepts.</summary>
    public const int MaxInstructions = 4096;

    /// <summary>BPF_MEMWORDS: scratch memory words M[0..15].</summary>
    public const int MemoryWords = 16;
}
