namespace Sideye.Capture.Dac;

/// <summary>Where a variable's value lives at a frame's instruction.</summary>
/// <param name="Kind">Memory, register, or split over both.</param>
/// <param name="Address">
/// For <see cref="DacLocationKind.Memory"/>, the value's address in the target; for
/// <see cref="DacLocationKind.Split"/>, the address of its memory part; 0 for <see cref="DacLocationKind.Register"/>.
/// </param>
internal readonly record struct DacValueLocation(DacLocationKind Kind, ulong Address);

/// <summary>How a value is stored; registers have no address, so their value is only in the bytes.</summary>
internal enum DacLocationKind
{
    /// <summary>One contiguous range of target memory (a stack slot, or a by-reference struct).</summary>
    Memory,

    /// <summary>One or two registers of the frame's (unwound) context.</summary>
    Register,

    /// <summary>Partly in a register and partly in memory.</summary>
    Split,
}
