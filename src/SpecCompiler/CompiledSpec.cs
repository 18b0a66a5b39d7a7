namespace Sideye.SpecCompiler;

/// <summary>A spec split into what the capture engine runs and what the query server applies.</summary>
public sealed record CompiledSpec(CapturePlan Plan, SpecSql Sql);
