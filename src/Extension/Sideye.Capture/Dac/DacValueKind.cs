namespace Sideye.Capture.Dac;

/// <summary>The DAC's classification of a value (CLRDATA_VALUE_IS_* in xclrdata.h).</summary>
[Flags]
internal enum DacValueKind : uint
{
    None = 0,
    Primitive = 0x1,
    ValueType = 0x2,
    String = 0x4,
    Array = 0x8,
    Reference = 0x10,
    Pointer = 0x20,
    Enum = 0x40,
}
