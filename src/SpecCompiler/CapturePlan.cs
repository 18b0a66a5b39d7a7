namespace Sideye.SpecCompiler;

/// <summary>
/// The half of a compiled spec that the capture engine executes. It has value equality and holds
/// nothing about SQL, so editing only columns, tables or links leaves it equal and the engine can skip
/// re-planning (and existing snapshots stay valid for the new SQL).
/// </summary>
/// <param name="Functions">Sorted by function name, so reordering the spec's entries does not change the plan.</param>
/// <param name="TypeLimits">Per-type overrides, already merged with <see cref="Limits"/>, sorted by type.</param>
public sealed record CapturePlan(
    EquatableArray<FunctionCapture> Functions,
    CaptureLimits Limits,
    EquatableArray<TypeCaptureLimits> TypeLimits)
{
    public static readonly CapturePlan Empty = new([], CaptureLimits.Default, []);

    /// <summary>Whether the built-in tables (gRPC and HTTP calls, locks, deadlocks, stack links, wait times) are captured.</summary>
    public bool BuiltIns { get; init; } = true;

    /// <summary>Which values are replaced by a marker before anything is written (the built-in list and the spec's additions).</summary>
    public RedactionRules Redaction { get; init; } = RedactionRules.Default;

    /// <summary>
    /// The key a function is matched by: a spec's <c>Ns.Cache&lt;T&gt;.Get</c> or <c>Ns.Cache`1.Get</c> and a frame's
    /// <c>Ns.Cache&lt;_&gt;.Get</c> (any instantiation) are all <c>Ns.Cache.Get</c>.
    /// </summary>
    public static string FunctionKey(string function) => TypeNames.Normalize(function);

    /// <summary>
    /// The budgets for a value of the given runtime type: its override if the spec has one, else the defaults.
    /// Accepts ClrMD-style names (<c>Ns.Outer+Inner&lt;System.Int32&gt;</c>) as well as C# ones.
    /// </summary>
    public CaptureLimits LimitsFor(string typeName)
    {
        if (TypeLimits.IsEmpty) return Limits;
        var normalized = TypeNames.Normalize(typeName);
        foreach (var entry in TypeLimits)
        {
            if (string.Equals(entry.Type, normalized, StringComparison.Ordinal)) return entry.Limits;
        }
        return Limits;
    }
}
