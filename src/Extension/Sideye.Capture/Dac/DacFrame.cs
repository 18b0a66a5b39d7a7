namespace Sideye.Capture.Dac;

/// <summary>
/// One managed frame as the DAC's stack walk sees it: where it is, what the DAC calls its code, and
/// its arguments and locals in the order of the method's signature and IL local slots.
/// </summary>
/// <param name="StackPointer">The frame's stack pointer; ClrMD's <c>ClrStackFrame.StackPointer</c> for the same frame.</param>
/// <param name="InstructionPointer">The frame's instruction pointer (a return address for caller frames).</param>
/// <param name="CodeName">The DAC's name for the code, or null when it could not tell.</param>
/// <param name="Arguments">Arguments by DAC index; index 0 is <c>this</c> for instance methods.</param>
/// <param name="Locals">Locals by IL slot.</param>
/// <param name="Unavailable">Why arguments or locals could not be listed at all, or null.</param>
internal sealed record DacFrame(
    ulong StackPointer,
    ulong InstructionPointer,
    string? CodeName,
    IReadOnlyList<DacVariable> Arguments,
    IReadOnlyList<DacVariable> Locals,
    string? Unavailable = null);
