namespace Sideye.SpecCompiler;

/// <summary>
/// A parsed spec: which functions to capture and how their data is shaped into SQL tables and links.
/// Every element keeps its <see cref="SourceSpan"/> so later checks can point into the file.
/// </summary>
/// <param name="File">The name diagnostics use for the file (as given to the loader).</param>
public sealed record Spec(
    string File,
    EquatableArray<FunctionSpec> Functions,
    EquatableArray<DerivedTableSpec> Tables,
    EquatableArray<LinkSpec> Links,
    LimitsSpec Limits)
{
    /// <summary>A spec with nothing in it (an empty file is valid and captures only stacks).</summary>
    public static Spec Empty(string file) => new(file, [], [], [], LimitsSpec.Default);

    /// <summary>
    /// Whether snapshots capture, and the query server serves, the built-in tables (gRPC and HTTP calls, locks,
    /// deadlocks, stack links, wait times) and their built-in links. <c>builtins: false</c> switches them off.
    /// </summary>
    public bool BuiltIns { get; init; } = true;

    /// <summary>What is redacted at capture beyond the built-in list, and what the list would redact that may be captured.</summary>
    public RedactionRules Redaction { get; init; } = RedactionRules.Default;

    /// <summary>Same as <see cref="SpecCompiler.Compile(Spec)"/>; handy where the namespace shadows the type name.</summary>
    public CompiledSpec Compile() => SpecCompiler.Compile(this);
}
