namespace Sideye.Capture.Dac;

/// <summary>
/// An argument or local of a <see cref="DacFrame"/>, read through IXCLRDataValue.
/// </summary>
/// <param name="Index">The DAC index: argument position (0 is <c>this</c> for instance methods) or IL local slot.</param>
/// <param name="Name">The argument's name from metadata (<c>this</c> included); null for locals, which the DAC cannot name.</param>
/// <param name="Location">Where the value lives at the frame's instruction, or null when it has no home there.</param>
/// <param name="Bytes">
/// The value's bytes as the DAC reads them: a primitive (trimmed to its size), an object reference (a pointer),
/// or, for a value type, the part the JIT's location describes, which can be only the first 8 or 16 bytes of a
/// larger struct: read the rest at <see cref="DacValueLocation.Address"/>. Null when unavailable.
/// </param>
/// <param name="Size">The number of bytes in <paramref name="Bytes"/> (0 when unavailable).</param>
/// <param name="Unavailable">Why there is no value (optimized away, unreadable memory, a DAC error), or null.</param>
internal sealed record DacVariable(
    int Index,
    string? Name,
    DacValueLocation? Location,
    byte[]? Bytes,
    ulong Size,
    string? Unavailable)
{
    /// <summary>What kind of value the DAC says this is (reference, primitive, value type, ...).</summary>
    public DacValueKind Kind { get; init; }
}
