namespace Sideye.Capture.Symbols;

/// <summary>One local scope of a method's PDB: its IL range and the user locals declared in it (temporaries left out).</summary>
public sealed record LocalScopeRange(IlRange Range, IReadOnlyList<string> Locals);
