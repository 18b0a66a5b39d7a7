namespace Sideye.SpecCompiler;

/// <summary>An extra column of a function table: its SQL over the table's other columns.</summary>
/// <param name="Type">Null (keep the SQL's type), a semantic type such as <c>TimestampNanos</c>, or an upper-case SQL type; see <see cref="ColumnTypes"/>.</param>
public sealed record ExtraColumnSql(string Name, string Sql, string? Type, bool Visible);
