using Sideye.Freezer.Seccomp;
using static Sideye.Freezer.Seccomp.BpfCode;
using static Sideye.Freezer.Seccomp.SockFilter;
using static Sideye.Freezer.Tests.TestPrograms;

namespace Sideye.Freezer.Tests;

public sealed class SeccompInterpreterTests
{
    private static readonly SeccompData Data = new(
        nr: 56,
        arch: SeccompData.AuditArchX86_64,
        instructionPointer: 0x0000_7F12_3456_789A,
        args: [0x1111_2222_3333_4444, 0, 0, 0, 0, 0xAAAA_BBBB_CCCC_DDDD]);

    [Theory]
    [InlineData(0u, 56u)] // nr
    [InlineData(4u, 0xC000003Eu)] // arch
    [InlineData(8u, 0x3456_789Au)] // instruction_pointer, low word first (little-endian)
    [InlineData(12u, 0x0000_7F12u)]
    [InlineData(16u, 0x3333_4444u)] // args[0]
    [InlineData(20u, 0x1111_2222u)]
    [InlineData(56u, 0xCCCC_DDDDu)] // args[5]
    [InlineData(60u, 0xAAAA_BBBBu)]
    [InlineData(24u, 0u)] // args[1]
    public void LoadsSeccompDataWordsLittleEndian(uint offset, uint expected) =>
        Assert.Equal(expected, Run([Stmt(Ld | W | Abs, offset), Stmt(Ret | A, 0)], Data));

    [Fact]
    public void LengthLoadsAreTheSizeOfSeccompData()
    {
        Assert.Equal(64u, Run([Stmt(Ld | W | Len, 0), Stmt(Ret | A, 0)], Data));
        Assert.Equal(64u, Run([Stmt(Ldx | W | Len, 0), Stmt(Misc | Txa, 0), Stmt(Ret | A, 0)], Data));
    }

    [Fact]
    public void ImmediateLoadsAndRegisterMoves()
    {
        Assert.Equal(0xDEAD_BEEFu, Run([Stmt(Ld | Imm, 0xDEAD_BEEF), Stmt(Ret | A, 0)], Data));
        Assert.Equal(7u, Run([Stmt(Ldx | Imm, 7), Stmt(Misc | Txa, 0), Stmt(Ret | A, 0)], Data));
        // TAX then overwrite A: X keeps the old A.
        Assert.Equal(9u, Run([Stmt(Ld | Imm, 9), Stmt(Misc | Tax, 0), Stmt(Ld | Imm, 1), Stmt(Misc | Txa, 0), Stmt(Ret | A, 0)], Data));
        // RET K returns the constant, not A.
        Assert.Equal(Errno | 13, Run([Stmt(Ld | Imm, 5), Stmt(Ret | K, Errno | 13)], Data));
    }

    [Fact]
    public void RegistersStartAtZero() =>
        Assert.Equal(0u, Run([Stmt(Alu | Add | X, 0), Stmt(Ret | A, 0)], Data));

    [Theory]
    [InlineData(Add, 0xFFFF_FFFFu, 2u, 1u)] // wraps at 32 bits
    [InlineData(Sub, 1u, 2u, 0xFFFF_FFFFu)]
    [InlineData(Mul, 0x0001_0000u, 0x0001_0000u, 0u)]
    [InlineData(Mul, 6u, 7u, 42u)]
    [InlineData(Div, 7u, 2u, 3u)]
    [InlineData(Div, 0xFFFF_FFFFu, 0x10u, 0x0FFF_FFFFu)] // unsigned
    [InlineData(And, 0xF0F0_1234u, 0x0FF0_00FFu, 0x00F0_0034u)]
    [InlineData(Or, 0xF000_0000u, 0x0000_000Fu, 0xF000_000Fu)]
    [InlineData(Xor, 0xFFFF_0000u, 0x0F0F_0F0Fu, 0xF0F0_0F0Fu)]
    [InlineData(Lsh, 1u, 31u, 0x8000_0000u)]
    [InlineData(Rsh, 0x8000_0000u, 31u, 1u)] // logical, not arithmetic
    public void AluWithConstantAndWithX(int operation, uint a, uint operand, uint expected)
    {
        Assert.Equal(expected, Run([Stmt(Ld | Imm, a), Stmt(Alu | operation | K, operand), Stmt(Ret | A, 0)], Data));
        Assert.Equal(expected, Run([Stmt(Ldx | Imm, operand), Stmt(Ld | Imm, a), Stmt(Alu | operation | X, 0), Stmt(Ret | A, 0)], Data));
    }

    [Fact]
    public void NegateIsTwosComplement()
    {
        Assert.Equal(0xFFFF_FFFFu, Run([Stmt(Ld | Imm, 1), Stmt(Alu | Neg, 0), Stmt(Ret | A, 0)], Data));
        Assert.Equal(0u, Run([Stmt(Ld | Imm, 0), Stmt(Alu | Neg, 0), Stmt(Ret | A, 0)], Data));
    }

    [Fact]
    public void DivisionByZeroXEndsTheProgramWithKillThread()
    {
        // What the kernel's eBPF translation does: return 0, i.e. SECCOMP_RET_KILL_THREAD, not the RET below.
        SockFilter[] program = [Stmt(Ld | Imm, 10), Stmt(Ldx | Imm, 0), Stmt(Alu | Div | X, 0), Stmt(Ret | K, Allow)];
        Assert.Equal(KillThread, Run(program, Data));
    }

    [Fact]
    public void ShiftsByXUseItsLowFiveBits()
    {
        // Checked against the kernel (6.18): a filter computing 1 << 33 sees 2.
        Assert.Equal(2u, Run([Stmt(Ldx | Imm, 33), Stmt(Ld | Imm, 1), Stmt(Alu | Lsh | X, 0), Stmt(Ret | A, 0)], Data));
        Assert.Equal(0x4000_0000u, Run([Stmt(Ldx | Imm, 33), Stmt(Ld | Imm, 0x8000_0000), Stmt(Alu | Rsh | X, 0), Stmt(Ret | A, 0)], Data));
    }

    [Theory]
    [InlineData(Jeq, 5u, 5u, true)]
    [InlineData(Jeq, 5u, 6u, false)]
    [InlineData(Jgt, 6u, 5u, true)]
    [InlineData(Jgt, 5u, 5u, false)]
    [InlineData(Jgt, 0x8000_0000u, 1u, true)] // unsigned comparison
    [InlineData(Jge, 5u, 5u, true)]
    [InlineData(Jge, 4u, 5u, false)]
    [InlineData(Jset, 0x0001_0011u, 0x0001_0000u, true)]
    [InlineData(Jset, 0x0000_0011u, 0x0001_0000u, false)]
    public void ConditionalJumpsWithConstantAndWithX(int operation, uint a, uint operand, bool taken)
    {
        uint expected = taken ? Allow : Errno | EPERM;
        // jt skips one instruction (the ERRNO), jf falls through to it.
        SockFilter[] withK = [Stmt(Ld | Imm, a), Jump(Jmp | operation | K, operand, 1, 0), Stmt(Ret | K, Errno | EPERM), Stmt(Ret | K, Allow)];
        SockFilter[] withX =
        [
            Stmt(Ldx | Imm, operand), Stmt(Ld | Imm, a), Jump(Jmp | operation | X, 0, 1, 0), Stmt(Ret | K, Errno | EPERM), Stmt(Ret | K, Allow),
        ];
        Assert.Equal(expected, Run(withK, Data));
        Assert.Equal(expected, Run(withX, Data));
    }

    [Fact]
    public void ConditionalJumpsUseBothOffsets()
    {
        // jt = 2 and jf = 1 from instruction 1: 4 when taken, 3 when not.
        SockFilter[] Branching(uint nr) =>
        [
            Stmt(Ld | W | Abs, NrOffset), Jump(Jmp | Jeq | K, nr, 2, 1), Stmt(Ret | K, Trap), Stmt(Ret | K, Errno | 3), Stmt(Ret | K, Errno | 4),
        ];
        Assert.Equal(Errno | 4, Run(Branching(56), Data));
        Assert.Equal(Errno | 3, Run(Branching(57), Data));
    }

    [Fact]
    public void JumpAlwaysSkipsKInstructions()
    {
        SockFilter[] program = [Stmt(Jmp | Ja, 2), Stmt(Ret | K, Trap), Stmt(Ret | K, KillProcess), Stmt(Ret | K, Log)];
        Assert.Equal(Log, Run(program, Data));
    }

    [Fact]
    public void ScratchMemoryKeepsWordsAcrossInstructions()
    {
        // M[3] = nr, M[15] = args[0] high word (through X), then A = M[3] + M[15].
        SockFilter[] program =
        [
            Stmt(Ld | W | Abs, NrOffset),
            Stmt(St, 3),
            Stmt(Ld | W | Abs, Arg0High),
            Stmt(Misc | Tax, 0),
            Stmt(Stx, 15),
            Stmt(Ld | Imm, 0), // clobber both registers
            Stmt(Ldx | Imm, 0),
            Stmt(Ld | Mem, 3),
            Stmt(Ldx | Mem, 15),
            Stmt(Alu | Add | X, 0),
            Stmt(Ret | A, 0),
        ];
        Assert.Equal(56u + 0x1111_2222u, Run(program, Data));
    }

    [Fact]
    public void ScratchWrittenOnBothPathsMayBeRead()
    {
        // if (nr == 56) M[0] = 1 else M[0] = 2; return ERRNO | M[0].
        SockFilter[] program =
        [
            Stmt(Ld | W | Abs, NrOffset),
            Jump(Jmp | Jeq | K, 56, 0, 3),
            Stmt(Ld | Imm, 1),
            Stmt(St, 0),
            Stmt(Jmp | Ja, 2),
            Stmt(Ld | Imm, 2),
            Stmt(St, 0),
            Stmt(Ld | Mem, 0),
            Stmt(Alu | Or | K, Errno),
            Stmt(Ret | A, 0),
        ];
        Assert.Equal(Errno | 1, Run(program, Data));
        Assert.Equal(Errno | 2, Run(program, Call(61)));
    }
}
