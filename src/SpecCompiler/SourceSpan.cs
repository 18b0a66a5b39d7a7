namespace Sideye.SpecCompiler;

/// <summary>
/// Where a node of the spec is in its file; lines and columns are 1-based, End is just past the node.
/// The model keeps these so checks that run long after parsing (against the target, against DuckDB) can
/// still point at the exact key or value.
/// </summary>
public readonly record struct SourceSpan(string File, int Line, int Column, int EndLine, int EndColumn)
{
    public static SourceSpan At(string file, int line, int column) => new(file, line, column, line, column);

    public override string ToString() => $"{File}:{Line}:{Column}";
}
