namespace Sideye.SpecCompiler;

/// <summary>
/// The checks that need more than the file: the target's methods (does the function exist, is the variable
/// there) and DuckDB (does the SQL bind). Also re-runs the spec-only checks, so a <see cref="Spec"/> built in
/// code is covered too; for one from <see cref="SpecLoader"/> those add nothing.
/// </summary>
public static class SpecValidator
{
    /// <param name="targets">Null skips the target checks (e.g. when editing a spec with no process at hand).</param>
    /// <param name="sql">Null skips SQL binding. Only called when the spec has no errors of its own.</param>
    public static IReadOnlyList<SpecDiagnostic> Validate(Spec spec, ITargetMethods? targets = null, ISqlBinder? sql = null)
    {
        var bag = new DiagnosticBag();
        var staticDiagnostics = StaticChecks.Run(spec);
        bag.AddRange(staticDiagnostics);
        if (targets is not null) bag.AddRange(TargetChecks.Run(spec, targets));
        if (sql is not null && !staticDiagnostics.Any(d => d.IsError))
        {
            bag.AddRange(SqlChecks.Run(spec, SpecCompiler.CompileSql(spec), sql));
        }
        return bag.ToList();
    }
}
