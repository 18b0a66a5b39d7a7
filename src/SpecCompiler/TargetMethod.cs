namespace Sideye.SpecCompiler;

/// <summary>What the spec checker needs to know about a method in the target.</summary>
/// <param name="Function">The resolved name (<c>Namespace.Type.Method</c>).</param>
/// <param name="Parameters">Declared parameters, without <c>this</c> (see <paramref name="IsStatic"/>).</param>
/// <param name="Locals">Named locals from the PDB; for async methods, the locals hoisted into the state machine
/// (only those used after an await are hoisted in Release builds). For overloads, the union over all of them.</param>
/// <param name="IsStatic">False allows <c>this</c> as a capture root.</param>
/// <param name="StateMachine">Only changes the wording of "variable not found", which then explains hoisting.</param>
public sealed record TargetMethod(
    string Function,
    EquatableArray<TargetVariable> Parameters,
    EquatableArray<TargetVariable> Locals,
    bool IsStatic = false,
    StateMachineKind StateMachine = StateMachineKind.None)
{
    public IEnumerable<TargetVariable> EnumerateVariables() => Parameters.Concat(Locals);
}
