namespace Sideye.Capture.Symbols;

/// <summary>A file and line from a PDB's sequence points.</summary>
public readonly record struct SourceLocation(string File, int Line);
