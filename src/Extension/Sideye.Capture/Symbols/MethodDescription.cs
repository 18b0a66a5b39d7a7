using Sideye.SpecCompiler;

namespace Sideye.Capture.Symbols;

/// <summary>A function name resolved in a target: every method definition (overload) it stands for.</summary>
/// <param name="Function">The C# name frames get (<c>Ns.Type.Method</c>): what a capture plan must use to match them.</param>
public sealed record MethodDescription(string Function, IReadOnlyList<MethodOverload> Overloads)
{
    /// <summary>The state machine of the first overload that has one (overloads rarely mix kinds).</summary>
    public StateMachineKind StateMachine => Overloads.Select(o => o.StateMachine).FirstOrDefault(k => k != StateMachineKind.None);

    /// <summary>
    /// The spec checker's view: only what a capture can read (an async method's parameters and <c>this</c> that were
    /// not hoisted are left out, so a spec naming one fails the check instead of capturing NULL forever; its locals
    /// that were not hoisted stay, as running calls have them), overloads merged by name (the first type seen wins).
    /// <c>this</c> counts when any overload can capture it.
    /// </summary>
    public TargetMethod ToTargetMethod()
    {
        var capturable = Overloads.SelectMany(o => o.Variables).Where(v => v.CanCapture).ToList();
        return new TargetMethod(
            Function,
            Distinct(capturable.Where(v => v.Kind == MethodVariableKind.Parameter)),
            Distinct(capturable.Where(v => v.Kind == MethodVariableKind.Local)),
            IsStatic: !capturable.Any(v => v.Kind == MethodVariableKind.This),
            StateMachine: StateMachine);
    }

    private static EquatableArray<TargetVariable> Distinct(IEnumerable<MethodVariable> variables) =>
        variables.DistinctBy(v => v.Name, StringComparer.Ordinal)
            .Select(v => new TargetVariable(v.Name, ShortTypeName(v.TypeName)))
            .ToEquatableArray();

    /// <summary>
    /// <c>SlowRpc.Protos.GetInfoRequest</c> → <c>GetInfoRequest</c>, <c>System.Collections.Generic.List&lt;int&gt;</c> →
    /// <c>List&lt;int&gt;</c>: the checker lists every variable with its type in one line, where namespaces are noise.
    /// </summary>
    public static string ShortTypeName(string typeName)
    {
        var builder = new System.Text.StringBuilder(typeName.Length);
        int segmentStart = 0;
        for (int i = 0; i <= typeName.Length; i++)
        {
            char c = i < typeName.Length ? typeName[i] : '\0';
            if (c is '<' or '>' or ',' or ' ' or '(' or ')' or '[' or ']' or '?' or '*' or '\0')
            {
                string segment = typeName[segmentStart..i];
                int dot = segment.LastIndexOf('.');
                builder.Append(dot >= 0 ? segment[(dot + 1)..] : segment);
                if (c != '\0')
                    builder.Append(c);
                segmentStart = i + 1;
            }
        }
        return builder.ToString();
    }
}
