using Sideye.Freezer.Seccomp;
using static Sideye.Freezer.Seccomp.BpfCode;
using static Sideye.Freezer.Seccomp.SockFilter;
using static Sideye.Freezer.Tests.TestPrograms;

namespace Sideye.Freezer.Tests;

/// <summary>
/// Programs the kernel refuses to attach (each case checked with seccomp(2) on 6.18 where it says so): the
/// interpreter does not guess at them, the check calls them "cannot tell".
/// </summary>
public sealed class SeccompFilterValidatorTests
{
    // Keyed by name: SockFilter is internal, so it cannot be a parameter of a public test method.
    private static readonly Dictionary<string, (SockFilter[] Program, string Problem)> Cases = new()
    {
        ["empty"] = ([], "the program is empty"),
        ["last is not a return"] = ([Stmt(Ret | K, Allow), Stmt(Ld | Imm, 7)], "the last instruction does not return"),
        ["RET X (checked: EINVAL)"] = ([Stmt(Ret | X, 0)], "opcode 0x0e is not one seccomp accepts"),
        ["unknown opcode"] = ([Stmt(0xFF, 0), Stmt(Ret | K, Allow)], "instruction 0 { 0xff, 0, 0, 0x00000000 }: opcode 0xff is not one seccomp accepts"),
        ["16-bit load (checked: EINVAL)"] = ([Stmt(Ld | H | Abs, 0), Stmt(Ret | K, Allow)], "opcode 0x28 is not one seccomp accepts"),
        ["indirect load"] = ([Stmt(Ld | W | Ind, 0), Stmt(Ret | K, Allow)], "opcode 0x40 is not one seccomp accepts"),
        ["load past seccomp_data (checked: EINVAL)"] = ([Stmt(Ld | W | Abs, 64), Stmt(Ret | K, Allow)], "loads offset 64 of seccomp_data"),
        ["unaligned load (checked: EINVAL)"] = ([Stmt(Ld | W | Abs, 2), Stmt(Ret | K, Allow)], "loads offset 2 of seccomp_data"),
        ["divide by constant 0 (checked: EINVAL)"] = ([Stmt(Ld | Imm, 7), Stmt(Alu | Div | K, 0), Stmt(Ret | A, 0)], "divides by the constant 0"),
        ["shift by constant 32 (checked: EINVAL)"] = ([Stmt(Alu | Lsh | K, 32), Stmt(Ret | A, 0)], "shifts by the constant 32, 32 or more"),
        ["right shift by constant 40"] = ([Stmt(Alu | Rsh | K, 40), Stmt(Ret | A, 0)], "shifts by the constant 40, 32 or more"),
        ["modulo (checked: EINVAL)"] = ([Stmt(Ld | Imm, 7), Stmt(Alu | Mod | K, 3), Stmt(Ret | A, 0)], "BPF_MOD, which seccomp does not accept"),
        ["modulo by X"] = ([Stmt(Alu | Mod | X, 0), Stmt(Ret | A, 0)], "BPF_MOD, which seccomp does not accept"),
        ["scratch word 16"] = ([Stmt(St, 16), Stmt(Ret | K, Allow)], "uses scratch word M[16]; there are 16"),
        ["conditional jump past the end"] = ([Jump(Jmp | Jeq | K, 0, 1, 0), Stmt(Ret | K, Allow)], "jumps past the last instruction"),
        ["false branch past the end"] = ([Jump(Jmp | Jset | X, 0, 0, 5), Stmt(Ret | K, Allow)], "jumps past the last instruction"),
        ["jump always past the end"] = ([Stmt(Jmp | Ja, 1), Stmt(Ret | K, Allow)], "jumps past the last instruction"),
        ["jump always backwards (k wraps)"] = ([Stmt(Ret | K, Allow), Stmt(Jmp | Ja, 0xFFFF_FFFF), Stmt(Ret | K, Allow)], "jumps past the last instruction"),
        ["read of unwritten scratch (checked: EINVAL)"] = ([Stmt(Ld | Mem, 0), Stmt(Ret | A, 0)], "reads M[0], which is not written on every path before it"),
        ["scratch written on one path only (checked: EINVAL)"] = ([Stmt(Ld | Imm, 7), Jump(Jmp | Jeq | K, 7, 0, 1), Stmt(St, 0), Stmt(Ld | Mem, 0), Stmt(Ret | A, 0)], "instruction 3 { 0x60, 0, 0, 0x00000000 }: reads M[0], which is not written on every path before it"),
    };

    public static TheoryData<string> Malformed => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Malformed))]
    public void RefusesWhatTheKernelRefuses(string what)
    {
        (SockFilter[] program, string expected) = Cases[what];
        string? problem = SeccompFilterValidator.Check(program);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.Ordinal);

        Assert.False(SeccompInterpreter.TryRun(program, Call(56), out uint result, out string? error), what);
        Assert.Equal(problem, error);
        Assert.Equal(0u, result);
    }

    [Fact]
    public void RefusesProgramsLongerThanTheKernelAllows()
    {
        SockFilter[] program = Enumerable.Repeat(Stmt(Ld | Imm, 0), MaxInstructions).Append(Stmt(Ret | K, Allow)).ToArray();
        Assert.Equal("the program has 4097 instructions, more than the kernel's limit of 4096", SeccompFilterValidator.Check(program));
        Assert.Null(SeccompFilterValidator.Check(program.AsSpan(1).ToArray()));
    }

    [Fact]
    public void AcceptsTheHandAssembledProfiles()
    {
        Assert.Null(SeccompFilterValidator.Check(DockerStyle));
        Assert.Null(SeccompFilterValidator.Check(CloneDenyList(Errno | EPERM)));
    }

    [Fact]
    public void AJumpToTheLastInstructionIsInRange()
    {
        SockFilter[] program = [Stmt(Jmp | Ja, 1), Stmt(Ret | K, Trap), Jump(Jmp | Jeq | K, 0, 0, 0), Stmt(Ret | K, Allow)];
        Assert.Null(SeccompFilterValidator.Check(program));
        Assert.Equal(Allow, Run(program, Call(0)));
    }
}
