using static Sideye.Freezer.Seccomp.BpfCode;

namespace Sideye.Freezer.Seccomp;

/// <summary>
/// Runs one seccomp filter (classic BPF) over a system call, as the kernel would: 32-bit A and X registers
/// and 16 scratch words, all starting at zero; loads read <see cref="SeccompData"/> words in host
/// (little-endian) order, not network order as socket filters do.
/// </summary>
internal static class SeccompInterpreter
{
    /// <param name="result">The filter's 32-bit return value (action and data).</param>
    /// <param name="error">Why the program cannot be judged, when it is not one the kernel would have attached.</param>
    public static bool TryRun(ReadOnlySpan<SockFilter> program, SeccompData data, out uint result, out string? error)
    {
        error = SeccompFilterValidator.Check(program);
        if (error is not null)
        {
            result = 0;
            return false;
        }

        result = Run(program, data);
        return true;
    }

    /// <summary>Runs a validated program: every jump lands inside it and goes forward, and the last instruction returns.</summary>
    private static uint Run(ReadOnlySpan<SockFilter> program, SeccompData data)
    {
        // BPF arithmetic is modulo 2^32 whatever the build's overflow checking.
        unchecked
        {
            uint a = 0, x = 0;
            Span<uint> scratch = stackalloc uint[MemoryWords];
            scratch.Clear();
            int pc = 0;
            while (true)
            {
                SockFilter instruction = program[pc++];
                uint k = instruction.K;
                switch (instruction.Code)
                {
                    case Ld | W | Abs: a = data.Word(k); break;
                    case Ld | W | Len: a = SeccompData.Size; break;
                    case Ldx | W | Len: x = SeccompData.Size; break;
                    case Ld | Imm: a = k; break;
                    case Ldx | Imm: x = k; break;
                    case Ld | Mem: a = scratch[(int)k]; break;
                    case Ldx | Mem: x = scratch[(int)k]; break;
                    case St: scratch[(int)k] = a; break;
                    case Stx: scratch[(int)k] = x; break;
                    case Misc | Tax: x = a; break;
                    case Misc | Txa: a = x; break;

                    case Alu | Add | K: a += k; break;
                    case Alu | Add | X: a += x; break;
                    case Alu | Sub | K: a -= k; break;
                    case Alu | Sub | X: a -= x; break;
                    case Alu | Mul | K: a *= k; break;
                    case Alu | Mul | X: a *= x; break;
                    case Alu | Div | K: a /= k; break; // k != 0: validated
                    case Alu | Div | X:
                        // The kernel's translation to eBPF makes a division by a zero X end the program with 0
                        // (SECCOMP_RET_KILL_THREAD), as classic BPF always did.
                        if (x == 0)
                            return 0;
                        a /= x;
                        break;
                    case Alu | And | K: a &= k; break;
                    case Alu | And | X: a &= x; break;
                    case Alu | Or | K: a |= k; break;
                    case Alu | Or | X: a |= x; break;
                    case Alu | Xor | K: a ^= k; break;
                    case Alu | Xor | X: a ^= x; break;
                    case Alu | Lsh | K: a <<= (int)k; break; // k < 32: validated
                    case Alu | Rsh | K: a >>= (int)k; break;
                    // A shift by X of 32 or more uses X's low 5 bits: what the kernel's x86-64 code does
                    // (checked on 6.18: 1 << 33 == 2), and what C# does for uint shifts.
                    case Alu | Lsh | X: a <<= (int)x; break;
                    case Alu | Rsh | X: a >>= (int)x; break;
                    case Alu | Neg: a = 0 - a; break;

                    case Jmp | Ja: pc += (int)k; break;
                    case Jmp | Jeq | K: pc += a == k ? instruction.Jt : instruction.Jf; break;
                    case Jmp | Jeq | X: pc += a == x ? instruction.Jt : instruction.Jf; break;
                    case Jmp | Jgt | K: pc += a > k ? instruction.Jt : instruction.Jf; break;
                    case Jmp | Jgt | X: pc += a > x ? instruction.Jt : instruction.Jf; break;
                    case Jmp | Jge | K: pc += a >= k ? instruction.Jt : instruction.Jf; break;
                    case Jmp | Jge | X: pc += a >= x ? instruction.Jt : instruction.Jf; break;
                    case Jmp | Jset | K: pc += (a & k) != 0 ? instruction.Jt : instruction.Jf; break;
                    case Jmp | Jset | X: pc += (a & x) != 0 ? instruction.Jt : instruction.Jf; break;

                    case Ret | K: return k;
                    case Ret | A: return a;

                    default:
                        throw new InvalidOperationException($"instruction {pc - 1} {instruction} passed validation but is not interpreted");
                }
            }
        }
    }
}
