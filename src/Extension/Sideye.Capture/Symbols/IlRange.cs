namespace Sideye.Capture.Symbols;

/// <summary>A half-open range of IL offsets, <c>[Start, End)</c>, as the PDB's local scopes describe them.</summary>
public readonly record struct IlRange(int Start, int End)
{
    public bool Contains(int ilOffset) => ilOffset >= Start && ilOffset < End;

    public override string ToString() => $"IL_{Start:x4}..IL_{End:x4}";
}
