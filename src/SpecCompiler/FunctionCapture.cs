namespace Sideye.SpecCompiler;

/// <summary>What the engine captures from every frame of one function.</summary>
/// <param name="Function">The method as written in the spec (<c>Namespace.Type.Method</c>); the engine resolves it
/// with the same rules as <see cref="ITargetMethods.TryResolve"/>.</param>
/// <param name="Table">The function table the values go to (recorded with each captured value).</param>
public sealed record FunctionCapture(string Function, string Table, EquatableArray<VariableCapture> Variables);
