namespace Sideye.SpecCompiler;

/// <summary>
/// One piece of a <see cref="SpecSql"/> that DuckDB rejected, as returned by <see cref="ISqlBinder.Bind"/>.
/// The validator turns it into a diagnostic at the position of the offending <c>sql:</c> value.
/// </summary>
/// <param name="Table">The function table or derived table the SQL belongs to.</param>
/// <param name="Column">The extra column whose SQL failed; null for a derived table's own SQL.</param>
/// <param name="Message">DuckDB's message, e.g. "Referenced column \"cz\" not found in FROM clause!".</param>
/// <param name="Offset">0-based character offset of the error in that SQL, when DuckDB gives one; used to point
/// at the exact column in the file when the YAML scalar maps one-to-one to the SQL text.</param>
public sealed record SqlBindError(string Table, string? Column, string Message, int? Offset = null);
