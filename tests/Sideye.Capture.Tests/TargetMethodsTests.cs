using Sideye.Capture.Symbols;
using Sideye.SpecCompiler;

namespace Sideye.Capture.Tests;

/// <summary>
/// Name resolution and variables of <see cref="TargetMethods"/>: over this test assembly's own samples (Debug, PDB
/// beside it), and over the known-values target running in Release, where hoisting is what the compiler chose.
/// </summary>
public sealed class TargetMethodsTests : IClassFixture<ReleaseTargetFixture>, IDisposable
{
    private const string Ns = "Sideye.Capture.Tests.Samples";
    private readonly ReleaseTargetFixture _release;
    private readonly SymbolCache _symbols = new();
    private readonly TargetMethods _methods;

    public TargetMethodsTests(ReleaseTargetFixture release)
    {
        _release = release;
        _methods = new TargetMethods([typeof(TargetMethodsTests).Assembly.Location, typeof(object).Assembly.Location], _symbols);
    }

    public void Dispose() => _symbols.Dispose();

    [Fact]
    public void A_nested_type_is_written_with_dots_and_its_locals_come_from_every_scope()
    {
        Assert.True(_methods.TryResolve($"{Ns}.Outer.Inner.Run", out TargetMethod? method));
        Assert.Equal($"{Ns}.Outer.Inner.Run", method.Function);
        Assert.Equal(["count (int)"], method.Parameters.Select(p => p.ToString()));
        // Two loops declare an 'i' each: one variable. The foreach's temporaries are not listed.
        Assert.Equal(["c (char)", "i (int)", "label (string)", "total (int)"], method.Locals.Select(l => l.ToString()).Order());
        Assert.False(method.IsStatic);
        Assert.Equal(StateMachineKind.None, method.StateMachine);
    }

    [Fact]
    public void The_scopes_of_a_local_declared_twice_are_both_kept()
    {
        Assert.True(_methods.TryDescribe($"{Ns}.Outer.Inner.Run", out MethodDescription? method));
        MethodOverload overload = Assert.Single(method.Overloads);
        MethodVariable i = overload.Variables.Single(v => v.Name == "i");
        Assert.Equal(2, i.Scopes.Count);
        Assert.True(i.Scopes[0].End <= i.Scopes[1].Start, string.Join(", ", i.Scopes));
        Assert.Equal(VariableStorage.Frame, i.Storage);
        Assert.NotNull(overload.PdbPath);
        Assert.Contains(overload.Scopes, s => s.Locals.Contains("label"));
        Assert.DoesNotContain(overload.Variables, v => v.Name.StartsWith("<>", StringComparison.Ordinal) || v.Name.StartsWith("CS$", StringComparison.Ordinal));
    }

    [Fact]
    public void A_static_method_has_no_this()
    {
        Assert.True(_methods.TryResolve($"{Ns}.Outer.Twice", out TargetMethod? method));
        Assert.True(method.IsStatic);
        Assert.Equal(["value"], method.Parameters.Select(p => p.Name));
    }

    [Theory]
    [InlineData(Ns + ".Cache.Get")]
    [InlineData(Ns + ".Cache`2.Get")]
    [InlineData(Ns + ".Cache<TKey, TValue>.Get")]
    [InlineData(Ns + ".Cache<K,V>.Get")]
    public void A_generic_type_resolves_with_or_without_arity_or_parameters_and_overloads_merge(string function)
    {
        Assert.True(_methods.TryResolve(function, out TargetMethod? method));
        Assert.Equal($"{Ns}.Cache.Get", method.Function);
        Assert.Equal(["key (TKey)", "fallback (TValue)"], method.Parameters.Select(p => p.ToString()));
        Assert.Equal(["value (TValue)", "found (TValue)"], method.Locals.Select(l => l.ToString())); // the out variable of the first overload, then the second's local
        Assert.True(_methods.TryDescribe(function, out MethodDescription? description));
        Assert.Equal(2, description.Overloads.Count);
    }

    [Fact]
    public void An_async_method_lists_its_state_machine_fields_by_their_source_names()
    {
        Assert.True(_methods.TryDescribe($"{Ns}.Fetcher.FetchAsync", out MethodDescription? description));
        MethodOverload overload = Assert.Single(description.Overloads);
        Assert.Equal($"{Ns}.Fetcher+<FetchAsync>d__1", overload.StateMachineType);
        Assert.NotNull(overload.MoveNextToken);
        Assert.Equal("Task<int> FetchAsync(string url, int retries)", MethodDescription.ShortTypeName(overload.Signature));

        var byName = overload.Variables.ToDictionary(v => v.Name);
        Assert.Equal((VariableStorage.StateMachine, "<>4__this"), (byName["this"].Storage, byName["this"].Field));
        Assert.Equal((VariableStorage.StateMachine, "string"), (byName["url"].Storage, byName["url"].TypeName));
        Assert.Equal(VariableStorage.StateMachine, byName["prefixed"].Storage);
        Assert.StartsWith("<prefixed>5__", byName["prefixed"].Field);
        Assert.NotEmpty(byName["prefixed"].Scopes); // from the hoisted local scopes of MoveNext's PDB entry
        // Locals a lambda captures live in its closure, which the state machine holds.
        Assert.Equal(VariableStorage.Closure, byName["captured"].Storage);
        Assert.Equal(VariableStorage.Closure, byName["attempts"].Storage);
        Assert.Matches(@"^<>8__\d+\.captured$", byName["captured"].Field);

        TargetMethod method = description.ToTargetMethod();
        Assert.Equal(StateMachineKind.Async, method.StateMachine);
        Assert.False(method.IsStatic);
        Assert.Equal(["url", "retries"], method.Parameters.Select(p => p.Name));
        Assert.Superset(new HashSet<string> { "attempts", "prefixed", "captured", "lambda" }, method.Locals.Select(l => l.Name).ToHashSet());
    }

    [Fact]
    public void A_hoisted_local_of_an_inner_block_gets_that_block_s_il_range()
    {
        // Hoisted scopes are indexed by the slot in the field name (<inner>5__2 is slot 1): an off-by-one would
        // swap the two ranges.
        Assert.True(_methods.TryDescribe($"{Ns}.Fetcher.NestedAsync", out MethodDescription? description));
        var byName = Assert.Single(description.Overloads).Variables.ToDictionary(v => v.Name);
        IlRange outer = Assert.Single(byName["outer"].Scopes);
        IlRange inner = Assert.Single(byName["inner"].Scopes);
        Assert.True(outer.Start <= inner.Start && inner.End <= outer.End && inner != outer, $"outer {outer}, inner {inner}");
    }

    [Fact]
    public void A_miss_resolves_nothing_and_the_names_for_suggestions_are_ones_a_person_writes()
    {
        Assert.False(_methods.TryResolve($"{Ns}.Outer.Inner.Rnu", out _));
        Assert.False(_methods.TryResolve($"{Ns}.Outer", out _));
        Assert.False(_methods.TryResolve("Run", out _));
        var names = _methods.EnumerateFunctionNames().ToHashSet();
        Assert.Contains($"{Ns}.Outer.Inner.Run", names);
        Assert.Contains($"{Ns}.Fetcher.FetchAsync", names);
        Assert.Contains("System.String.Concat", names);
        // No lambdas, local functions or constructors, and no property accessors (special names).
        Assert.DoesNotContain(names, n => n.Contains('<') || n.EndsWith(".ctor", StringComparison.Ordinal));
        Assert.DoesNotContain($"{Ns}.Cache.get_Count", names);
        Assert.True(_methods.TryResolve($"{Ns}.Cache.get_Count", out _)); // still resolvable: frames are named so
        Assert.Equal([$"{Ns}.Outer.Inner.Run"], FunctionSuggestions.Suggest($"{Ns}.Outer.Inner.Rnu", names.ToList()).Take(1));
    }

    [Fact]
    public void In_a_release_build_only_what_is_used_after_an_await_is_hoisted()
    {
        var methods = TargetMethods.FromRuntime(_release.Runtime, _symbols);
        Assert.Contains(methods.ModulePaths, p => p.EndsWith("KnownValues.dll", StringComparison.Ordinal));

        Assert.True(methods.TryResolve("KnownValues.AsyncHolder.WaitAsync", out TargetMethod? wait));
        Assert.Equal(StateMachineKind.Async, wait.StateMachine);
        Assert.True(wait.IsStatic);
        Assert.Equal(["jobId (int)", "tag (string)"], wait.Parameters.Select(p => p.ToString()));
        // Every local is used after the await (see dumps/known-values/AsyncHolder.cs), so all are hoisted.
        Assert.Equal(
            ["answer", "arr", "big", "color", "cycle", "dict", "flag", "greeting", "id", "longText", "many", "nothing", "p", "price", "ratio", "span", "when"],
            wait.Locals.Select(l => l.Name).Order(StringComparer.Ordinal));
        Assert.Contains(new TargetVariable("dict", "Dictionary<string, int>"), wait.Locals);

        Assert.True(methods.TryResolve("KnownValues.Worker.RunAsync", out TargetMethod? run));
        Assert.False(run.IsStatic); // <>4__this is hoisted: Name is read after the await
        Assert.Equal(["round"], run.Parameters.Select(p => p.Name));

        // dumps/known-values/RunningAsync.cs: 'hoisted' is used after the await, so it is a state machine field with
        // its scope in MoveNext; 'notHoisted' is not, and the Release compiler kept it on the IL stack with no PDB
        // name, so it is not listed (a capture could not find it by name either).
        Assert.True(methods.TryDescribe("KnownValues.RunningAsync.BlockBeforeAwaitAsync", out MethodDescription? running));
        var variables = Assert.Single(running.Overloads).Variables.ToDictionary(v => v.Name);
        Assert.Equal((VariableStorage.StateMachine, MethodVariableKind.Local, "<hoisted>5__2"), (variables["hoisted"].Storage, variables["hoisted"].Kind, variables["hoisted"].Field));
        Assert.NotEmpty(variables["hoisted"].Scopes);
        Assert.DoesNotContain("notHoisted", variables.Keys);
        TargetMethod runningMethod = running.ToTargetMethod();
        foreach (MethodVariable parameter in variables.Values.Where(v => v.Kind == MethodVariableKind.Parameter))
        {
            // Whatever the compiler chose for each parameter, the checker offers exactly the hoisted ones.
            Assert.Equal(parameter.Storage == VariableStorage.StateMachine, runningMethod.Parameters.Any(p => p.Name == parameter.Name));
        }

        Assert.True(methods.TryResolve("KnownValues.Holder.Hold", out TargetMethod? hold));
        Assert.Equal(StateMachineKind.None, hold.StateMachine);
        Assert.Equal(["count", "name"], hold.Parameters.Select(p => p.Name));
        Assert.Contains(new TargetVariable("span", "TimeSpan"), hold.Locals);
        Assert.Equal(17, hold.Locals.Count);
    }

    [Fact]
    public void Iterators_list_their_parameters_and_hoisted_locals_from_their_state_machine()
    {
        // dumps/known-values/Iterators.cs, Release: every local is used after the yield that follows it.
        var methods = TargetMethods.FromRuntime(_release.Runtime, _symbols);
        foreach ((string function, StateMachineKind kind, string[] parameters, string[] locals) in new[]
                 {
                     ("KnownValues.Iterators.Lines", StateMachineKind.Iterator, new[] { "start (int)", "tag (string)" }, new[] { "k (int)", "line (string)" }),
                     ("KnownValues.Iterators.Numbers", StateMachineKind.AsyncIterator, ["count (int)", "label (string)"], ["current (string)", "i (int)"]),
                 })
        {
            Assert.True(methods.TryDescribe(function, out MethodDescription? description));
            MethodOverload overload = Assert.Single(description.Overloads);
            Assert.Equal(kind, overload.StateMachine);
            Assert.StartsWith("KnownValues.Iterators+<", overload.StateMachineType, StringComparison.Ordinal);
            Assert.All(overload.Variables.Where(v => v.Kind == MethodVariableKind.Local), v => Assert.Equal(VariableStorage.StateMachine, v.Storage));
            TargetMethod method = description.ToTargetMethod();
            Assert.Equal(kind, method.StateMachine);
            Assert.Equal(parameters, method.Parameters.Select(p => p.ToString()));
            Assert.Equal(locals, method.Locals.Select(l => l.ToString()).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Local_functions_resolve_by_the_names_their_frames_have_with_their_captured_variables()
    {
        // dumps/known-values/LocalFunctions.cs, Release: Outer.Inner (a struct closure passed by reference) and
        // OuterAsync.LocalAsync (a class closure its state machine holds). The closure itself is not a variable.
        var methods = TargetMethods.FromRuntime(_release.Runtime, _symbols);
        Assert.True(methods.TryDescribe("KnownValues.LocalFunctions.Outer.Inner", out MethodDescription? inner));
        Assert.Equal("KnownValues.LocalFunctions.Outer.Inner", inner.Function);
        Dictionary<string, MethodVariable> innerVariables = Assert.Single(inner.Overloads).Variables.ToDictionary(v => v.Name);
        Assert.Equal(["factor", "product", "x"], innerVariables.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((VariableStorage.Closure, MethodVariableKind.Local), (innerVariables["factor"].Storage, innerVariables["factor"].Kind));

        Assert.True(methods.TryResolve("KnownValues.LocalFunctions.OuterAsync.LocalAsync", out TargetMethod? local));
        Assert.Equal(StateMachineKind.Async, local.StateMachine);
        Assert.True(local.IsStatic); // the static OuterAsync captured no `this`
        Assert.Equal(["count (int)"], local.Parameters.Select(p => p.ToString()));
        Assert.Equal(["label (string)", "tag (string)"], local.Locals.Select(l => l.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_lambda_resolves_by_its_frame_name_with_the_variables_its_closure_holds()
    {
        // Samples.Fetcher.FetchAsync's `() => captured + attempts`: <FetchAsync>b__0 on the closure class. Its `this`
        // is the closure, whose fields are the captured variables; FetchAsync's own `this` is not among them (the
        // lambda does not use it), so the lambda has no `this` a spec could name.
        Assert.True(_methods.TryDescribe($"{Ns}.Fetcher.FetchAsync.lambda_0", out MethodDescription? lambda));
        Dictionary<string, MethodVariable> variables = Assert.Single(lambda.Overloads).Variables.ToDictionary(v => v.Name);
        Assert.Equal(["attempts", "captured"], variables.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(VariableStorage.Closure, variables["captured"].Storage);
        Assert.True(lambda.ToTargetMethod().IsStatic);
    }
}
