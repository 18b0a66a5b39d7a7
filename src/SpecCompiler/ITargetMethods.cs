using System.Diagnostics.CodeAnalysis;

namespace Sideye.SpecCompiler;

/// <summary>
/// The target's methods, as far as the spec checker needs them. Implemented by the capture engine (from the
/// modules loaded in a process or dump, and their PDBs); tests use a fake. Pass it to
/// <see cref="SpecValidator.Validate"/> to check that functions and variables exist.
/// </summary>
public interface ITargetMethods
{
    /// <summary>
    /// Finds a method by the name the spec uses: <c>Namespace.Type.Method</c> as written in C#, nested types
    /// joined with dots (<c>Ns.Outer.Inner.Method</c>), a generic type with or without its arity or type
    /// parameters (<c>Ns.Cache.Get</c>, <c>Ns.Cache`1.Get</c>, <c>Ns.Cache&lt;T&gt;.Get</c>). All overloads
    /// of the name count as one method; merge their variables. Case-sensitive, like C#.
    /// </summary>
    bool TryResolve(string function, [NotNullWhen(true)] out TargetMethod? method);

    /// <summary>
    /// Every function name that <see cref="TryResolve"/> would accept, in the same notation (one spelling per
    /// method is enough), for "did you mean" suggestions. Only called after a name failed to resolve.
    /// </summary>
    IEnumerable<string> EnumerateFunctionNames();
}
