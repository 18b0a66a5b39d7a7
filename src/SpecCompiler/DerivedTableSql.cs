namespace Sideye.SpecCompiler;

/// <summary>A derived table: a view named <see cref="Name"/> over <see cref="Sql"/> (a SELECT), created in spec order.</summary>
public sealed record DerivedTableSql(string Name, string Sql);
