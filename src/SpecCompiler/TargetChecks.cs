namespace Sideye.SpecCompiler;

/// <summary>Checks that each function exists in the target and that each capture starts at one of its variables.</summary>
internal static class TargetChecks
{
    public static IReadOnlyList<SpecDiagnostic> Run(Spec spec, ITargetMethods targets)
    {
        var bag = new DiagnosticBag();
        List<string>? known = null; // Enumerated at most once, and only if some name fails to resolve.
        foreach (var function in spec.Functions)
        {
            if (!targets.TryResolve(function.Function, out var method))
            {
                known ??= targets.EnumerateFunctionNames().ToList();
                var fix = Wording.DidYouMean(FunctionSuggestions.Suggest(function.Function, known))
                    ?? "Check the namespace, type and method names (nested types are written Outer.Inner) and that the module is loaded in the target.";
                bag.Error(function.FunctionSpan, $"function '{function.Function}' not found in the target's modules", fix);
                continue;
            }
            foreach (var capture in function.Captures) CheckVariable(function, capture, method, bag);
        }
        return bag.ToList();
    }

    private static void CheckVariable(FunctionSpec function, CaptureSpec capture, TargetMethod method, DiagnosticBag bag)
    {
        var root = capture.RootVariable;
        if (root == "this" && !method.IsStatic) return;
        var variables = method.EnumerateVariables().ToList();
        if (variables.Any(v => v.Name == root)) return;

        var names = variables.Select(v => v.Name).ToList();
        if (!method.IsStatic) names.Add("this");
        var suggestion = Wording.DidYouMean(StringDistance.Suggest(root, names));
        var available = variables.Count == 0
            ? $"'{function.Function}' has no named arguments or locals" + (method.IsStatic ? "." : "; 'this' is available.")
            : "Available: " + string.Join(", ", variables) + (method.IsStatic ? "." : ", this.");
        if (method.StateMachine == StateMachineKind.RuntimeAsync)
        {
            available += " A suspended call of a runtime-async method has a variable only at the awaits after which it is live (optimized code saves nothing else).";
        }
        else if (method.StateMachine != StateMachineKind.None)
        {
            available += $" In an {method.StateMachine.Describe()} only locals used after {method.StateMachine.SuspensionPoint()} are kept (hoisted) and can be captured.";
        }
        bag.Error(capture.ExprSpan, $"variable '{root}' is not an argument or local of '{function.Function}'",
            suggestion is null ? available : suggestion + " " + available);
    }
}
