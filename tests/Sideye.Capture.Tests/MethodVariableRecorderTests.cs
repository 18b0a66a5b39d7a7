using Sideye.Capture.Symbols;
using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture.Tests;

/// <summary>
/// The <c>method_variables</c> rows of a process, over frames that name this test assembly's own samples (Debug, PDB
/// beside it): each method with a PDB once, framework frames left out, a name that does not resolve a warning.
/// </summary>
public sealed class MethodVariableRecorderTests : IDisposable
{
    private const string Ns = "Sideye.Capture.Tests.Samples";
    private static readonly string Module = Path.GetFileName(typeof(MethodVariableRecorderTests).Assembly.Location);
    private readonly SymbolCache _symbols = new();

    public void Dispose() => _symbols.Dispose();

    private static CapturedFrame Frame(string method, string? file = "Samples.cs", string? module = null, string kind = FrameKinds.Managed) =>
        new(method, module ?? Module, 4, file, file is null ? null : 12, kind);

    private static ProcessCaptureResult Process(params CapturedStack[] stacks) =>
        new(42, "Tests", null, "10.0.0", "live", stacks, 1, 10, [])
        {
            ModulePaths = [typeof(MethodVariableRecorderTests).Assembly.Location, typeof(object).Assembly.Location],
        };

    [Fact]
    public void Each_method_with_a_pdb_is_described_once_with_its_variables_in_order()
    {
        ProcessCaptureResult result = MethodVariableRecorder.AddTo(Process(
            new CapturedStack(StackKinds.Thread, [Frame("System.Threading.Thread.Sleep", file: null, module: "System.Private.CoreLib.dll"), Frame($"{Ns}.Outer.Inner.Run")]),
            new CapturedStack(StackKinds.Thread, [Frame($"{Ns}.Outer.Inner.Run")])), _symbols);

        Assert.Empty(result.Warnings);
        Assert.All(result.MethodVariables, r => Assert.Equal((42, $"{Ns}.Outer.Inner.Run", Module), (r.Pid, r.Method, r.Module)));
        Assert.Equal(["c", "count", "i", "label", "this", "total"], result.MethodVariables.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["this", "count"], result.MethodVariables.Take(2).Select(r => r.Name));
        Assert.Equal([0, 1, 2, 3, 4, 5], result.MethodVariables.Select(r => r.Position));
        MethodVariableRow count = result.MethodVariables.Single(r => r.Name == "count");
        Assert.Equal(("int", MethodVariableKinds.Parameter, MethodVariableStorages.Frame), (count.Type, count.Kind, count.Storage));
        Assert.Equal((null, null, true, null), (count.Hoisted, count.StateMachine, count.Capturable, count.Scopes));
        Assert.Equal("int Run(int count)", count.Signature);
        Assert.Equal(MethodVariableKinds.This, result.MethodVariables[0].Kind);
        // 'i' is declared by two loops: one variable, both scopes.
        Assert.Equal(2, result.MethodVariables.Single(r => r.Name == "i").Scopes!.Split(", ").Length);
        Assert.StartsWith("IL_", result.MethodVariables.Single(r => r.Name == "label").Scopes);
    }

    [Fact]
    public void An_async_methods_variables_say_whether_they_are_hoisted()
    {
        ProcessCaptureResult result = MethodVariableRecorder.AddTo(Process(
            new CapturedStack(StackKinds.Async, [Frame($"{Ns}.Fetcher.FetchAsync", kind: FrameKinds.Async)])), _symbols);

        Assert.Empty(result.Warnings);
        Dictionary<string, MethodVariableRow> rows = result.MethodVariables.ToDictionary(r => r.Name);
        Assert.All(rows.Values, r => Assert.Equal("async", r.StateMachine));
        // A Debug build hoists everything; a local a lambda captures lives in the closure the state machine holds.
        Assert.Equal((true, MethodVariableStorages.StateMachine, "string"), (rows["url"].Hoisted, rows["url"].Storage, rows["url"].Type));
        Assert.Equal((true, MethodVariableStorages.Closure), (rows["captured"].Hoisted, rows["captured"].Storage));
        Assert.NotNull(rows["prefixed"].Field);
        Assert.All(rows.Values, r => Assert.True(r.Capturable));
    }

    [Fact]
    public void A_method_that_does_not_resolve_is_a_warning_and_the_others_are_kept()
    {
        ProcessCaptureResult result = MethodVariableRecorder.AddTo(Process(
            new CapturedStack(StackKinds.Thread, [Frame($"{Ns}.Outer.Twice"), Frame($"{Ns}.Outer.Gone"), Frame($"{Ns}.Outer.Twice", module: "Elsewhere.dll")])), _symbols);

        Assert.Equal(["value"], result.MethodVariables.Select(r => r.Name));
        string warning = Assert.Single(result.Warnings);
        Assert.Contains($"2 method(s) on the stacks could not be described", warning);
        Assert.Contains($"{Ns}.Outer.Gone in {Module}", warning);
        Assert.Contains($"{Ns}.Outer.Twice in Elsewhere.dll", warning);
    }

    [Fact]
    public void No_frame_with_a_pdb_means_no_rows_and_no_warning()
    {
        ProcessCaptureResult result = MethodVariableRecorder.AddTo(Process(
            new CapturedStack(StackKinds.Thread, [Frame("System.Threading.Thread.Sleep", file: null, module: "System.Private.CoreLib.dll")])), _symbols);

        Assert.Empty(result.MethodVariables);
        Assert.Empty(result.Warnings);
    }
}
