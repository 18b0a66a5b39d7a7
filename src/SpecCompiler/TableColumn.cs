namespace Sideye.SpecCompiler;

/// <summary>A column of a function table as SQL sees it.</summary>
/// <param name="SqlType">The DuckDB type, or null for an extra column whose type is whatever its SQL yields.</param>
public sealed record TableColumn(string Name, string? SqlType, bool Visible);
