using static Sideye.Freezer.Seccomp.BpfCode;

namespace Sideye.Freezer.Seccomp;

/// <summary>
/// Decides whether a program is one the kernel would have attached as a seccomp filter: the checks of
/// bpf_check_classic (net/core/filter.c) and seccomp_check_filter (kernel/seccomp.c), in that order.
/// A program that fails them cannot be judged (the kernel never ran it), so the caller treats it as
/// "cannot tell". Passing them guarantees the interpreter's loads, stores and jumps stay in bounds and
/// that it ends, as every jump goes forward and the last instruction returns.
/// </summary>
internal static class SeccompFilterValidator
{
    /// <returns>Null when the kernel would accept the program, else what is wrong with it.</returns>
    public static string? Check(ReadOnlySpan<SockFilter> program)
    {
        if (program.IsEmpty)
            return "the program is empty";
        if (program.Length > MaxInstructions)
            return $"the program has {program.Length} instructions, more than the kernel's limit of {MaxInstructions}";

        for (int pc = 0; pc < program.Length; pc++)
        {
            if (CheckInstruction(program[pc], pc, program.Length) is { } problem)
                return $"instruction {pc} {program[pc]}: {problem}";
        }

        if (program[^1].Code is not (Ret | K) and not (Ret | A))
            return "the last instruction does not return";

        return CheckScratchWrittenBeforeRead(program);
    }

    private static string? CheckInstruction(SockFilter instruction, int pc, int length)
    {
        uint k = instruction.K;
        switch (instruction.Code)
        {
            case Ld | W | Abs:
                return k >= SeccompData.Size || (k & 3) != 0
                    ? $"loads offset {k} of seccomp_data, not an aligned 32-bit word inside its {SeccompData.Size} bytes"
                    : null;
            case Ld | W | Len:
            case Ldx | W | Len:
            case Ld | Imm:
            case Ldx | Imm:
            case Misc | Tax:
            case Misc | Txa:
            case Ret | K:
            case Ret | A:
            case Alu | Neg:
            case Alu | Add | K:
            case Alu | Add | X:
            case Alu | Sub | K:
            case Alu | Sub | X:
            case Alu | Mul | K:
            case Alu | Mul | X:
            case Alu | Div | X:
            case Alu | And | K:
            case Alu | And | X:
            case Alu | Or | K:
            case Alu | Or | X:
            case Alu | Xor | K:
            case Alu | Xor | X:
            case Alu | Lsh | X:
            case Alu | Rsh | X:
                return null;
            case Alu | Div | K:
                return k == 0 ? "divides by the constant 0" : null;
            case Alu | Lsh | K:
            case Alu | Rsh | K:
                return k >= 32 ? $"shifts by the constant {k}, 32 or more" : null;
            case Ld | Mem:
            case Ldx | Mem:
            case St:
            case Stx:
                return k >= MemoryWords ? $"uses scratch word M[{k}]; there are {MemoryWords}" : null;
            case Jmp | Ja:
                return k >= (uint)(length - pc - 1) ? "jumps past the last instruction" : null;
            case Jmp | Jeq | K:
            case Jmp | Jeq | X:
            case Jmp | Jgt | K:
            case Jmp | Jgt | X:
            case Jmp | Jge | K:
            case Jmp | Jge | X:
            case Jmp | Jset | K:
            case Jmp | Jset | X:
                return pc + instruction.Jt + 1 >= length || pc + instruction.Jf + 1 >= length ? "jumps past the last instruction" : null;
            case Alu | Mod | K:
            case Alu | Mod | X:
                // Classic BPF has it, but seccomp_check_filter does not list it (a 2019 patch to allow it was
                // not taken): the kernel refuses such a filter with EINVAL.
                return "BPF_MOD, which seccomp does not accept";
            default:
                return $"opcode 0x{instruction.Code:x2} is not one seccomp accepts";
        }
    }

    /// <summary>
    /// The kernel's check_load_and_stores: a scratch word may only be read if it is written on every path
    /// to the read. One bit per word; a jump hands its set to its targets, which keep the intersection.
    /// </summary>
    private static string? CheckScratchWrittenBeforeRead(ReadOnlySpan<SockFilter> program)
    {
        const ushort All = 0xFFFF;
        var written = new ushort[program.Length];
        Array.Fill(written, All);
        ushort valid = 0;
        for (int pc = 0; pc < program.Length; pc++)
        {
            SockFilter instruction = program[pc];
            valid &= written[pc];
            switch (instruction.Code)
            {
                case St:
                case Stx:
                    valid |= (ushort)(1 << (int)instruction.K);
                    break;
                case Ld | Mem:
                case Ldx | Mem:
                    if ((valid & (1 << (int)instruction.K)) == 0)
                        return $"instruction {pc} {instruction}: reads M[{instruction.K}], which is not written on every path before it";
                    break;
                case Jmp | Ja:
                    written[pc + 1 + (int)instruction.K] &= valid;
                    valid = All;
                    break;
                case Jmp | Jeq | K:
                case Jmp | Jeq | X:
                case Jmp | Jgt | K:
                case Jmp | Jgt | X:
                case Jmp | Jge | K:
                case Jmp | Jge | X:
                case Jmp | Jset | K:
                case Jmp | Jset | X:
                    written[pc + 1 + instruction.Jt] &= valid;
                    written[pc + 1 + instruction.Jf] &= valid;
                    valid = All;
                    break;
            }
        }

        return null;
    }
}
