using System.Diagnostics.CodeAnalysis;

namespace Sideye.SpecCompiler.Tests;

/// <summary>An <see cref="ITargetMethods"/> over a fixed list of methods, standing in for the capture engine.</summary>
internal sealed class FakeTargetMethods(params TargetMethod[] methods) : ITargetMethods
{
    public int EnumerateCalls { get; private set; }

    /// <param name="parameters">"name" or "name:TypeName" (the type defaults to "object").</param>
    public static TargetMethod Method(string function, string[]? parameters = null, string[]? locals = null, bool isStatic = false, StateMachineKind stateMachine = StateMachineKind.None) =>
        new(function, Variables(parameters), Variables(locals), isStatic, stateMachine);

    private static EquatableArray<TargetVariable> Variables(string[]? specs) =>
        (specs ?? []).Select(s => s.Split(':') is [var name, var type] ? new TargetVariable(name, type) : new TargetVariable(s, "object")).ToEquatableArray();

    public bool TryResolve(string function, [NotNullWhen(true)] out TargetMethod? method)
    {
        method = methods.FirstOrDefault(m => m.Function == function);
        return method is not null;
    }

    public IEnumerable<string> EnumerateFunctionNames()
    {
        EnumerateCalls++;
        return methods.Select(m => m.Function);
    }
}
