namespace System.Runtime.CompilerServices;

/// <summary>
/// Roslyn's per-method switch for runtime async: [RuntimeAsyncMethodGeneration(false)] makes the compiler emit a
/// classic state machine for that method even with the runtime-async feature on. The 11.0.0 reference pack does not
/// declare it; the compiler matches it by name, so a declaration in this assembly is what it looks for.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
internal sealed class RuntimeAsyncMethodGenerationAttribute(bool runtimeAsync) : Attribute
{
    public bool RuntimeAsync { get; } = runtimeAsync;
}
