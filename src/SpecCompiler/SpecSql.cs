namespace Sideye.SpecCompiler;

/// <summary>
/// The half of a compiled spec that the query server applies to snapshots (old and new alike: changing
/// it needs no new capture). Value equality, like <see cref="CapturePlan"/>.
/// </summary>
public sealed record SpecSql(
    EquatableArray<FunctionTableSql> FunctionTables,
    EquatableArray<DerivedTableSql> DerivedTables,
    EquatableArray<LinkSql> Links)
{
    public static readonly SpecSql Empty = new([], [], []);

    /// <summary>Whether the query server serves the built-in tables' links and stack wait times (see <see cref="Spec.BuiltIns"/>).</summary>
    public bool BuiltIns { get; init; } = true;
}
