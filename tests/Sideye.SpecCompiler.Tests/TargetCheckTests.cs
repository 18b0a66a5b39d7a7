namespace Sideye.SpecCompiler.Tests;

public sealed class TargetCheckTests
{
    private static readonly FakeTargetMethods Target = new(
        FakeTargetMethods.Method("SlowRpc.Server.InfoService.GetInfo",
            parameters: ["request:GetInfoRequest", "context:ServerCallContext"], locals: ["cs:ClientState"]),
        FakeTargetMethods.Method("SlowRpc.Server.InfoService.SetInfo", parameters: ["request:SetInfoRequest"]),
        FakeTargetMethods.Method("SlowRpc.Server.BackgroundProcessor.ProcessClient", parameters: ["cs:ClientState"]),
        FakeTargetMethods.Method("SlowRpc.Server.Util.Hash", parameters: ["text:string"], isStatic: true),
        FakeTargetMethods.Method("SlowRpc.Server.Worker.RunAsync", parameters: ["token:CancellationToken"], locals: ["job:Job"], stateMachine: StateMachineKind.Async),
        FakeTargetMethods.Method("SlowRpc.Server.Feed.Lines", parameters: ["start:int"], locals: ["k:int"], isStatic: true, stateMachine: StateMachineKind.Iterator));

    private static Spec Load(string yaml)
    {
        var result = SpecLoader.Parse(yaml);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Spec!;
    }

    [Fact]
    public void Misspelled_function_is_reported_at_its_name_with_close_matches()
    {
        var spec = Load("""
            functions:
              - function: SlowRpc.Server.InfoServce.GetInfo
                capture: [request]
            """);

        var error = Assert.Single(SpecValidator.Validate(spec, Target));

        Assert.Equal("sideye.yaml:2:15: error: function 'SlowRpc.Server.InfoServce.GetInfo' not found in the target's modules. " +
                     "Did you mean 'SlowRpc.Server.InfoService.GetInfo' or 'SlowRpc.Server.InfoService.SetInfo'?", error.ToString());
    }

    [Fact]
    public void Function_in_the_wrong_namespace_suggests_the_same_type_and_method_first()
    {
        var spec = Load("""
            functions:
              - function: Slow.Rpc.ProcessorNs.BackgroundProcessor.ProcessClient
                capture: [cs]
            """);

        var error = Assert.Single(SpecValidator.Validate(spec, Target));

        Assert.Equal("Did you mean 'SlowRpc.Server.BackgroundProcessor.ProcessClient'?", error.Fix);
    }

    [Fact]
    public void Function_with_nothing_close_says_what_to_check()
    {
        var spec = Load("""
            functions:
              - function: Totally.Different.Thing
                capture: [x]
            """);

        var error = Assert.Single(SpecValidator.Validate(spec, Target));

        Assert.Contains("not found in the target's modules", error.Message);
        Assert.StartsWith("Check the namespace, type and method names", error.Fix);
    }

    [Fact]
    public void Unknown_variable_is_reported_at_the_capture_listing_the_available_ones()
    {
        var spec = Load("""
            functions:
              - function: SlowRpc.Server.InfoService.GetInfo
                capture:
                  - reqest
                  - cs.Mu.Processing
            """);

        var error = Assert.Single(SpecValidator.Validate(spec, Target));

        Assert.Equal((4, 9), (error.Line, error.Column));
        Assert.Equal("variable 'reqest' is not an argument or local of 'SlowRpc.Server.InfoService.GetInfo'", error.Message);
        Assert.Equal("Did you mean 'request'? Available: request (GetInfoRequest), context (ServerCallContext), cs (ClientState), this.", error.Fix);
    }

    [Fact]
    public void Unknown_root_of_a_field_path_is_reported_at_the_path()
    {
        var spec = Load("""
            functions:
              - function: SlowRpc.Server.InfoService.GetInfo
                capture:
                  - { expr: state.Mu.Processing, column: processing }
            """);

        var error = Assert.Single(SpecValidator.Validate(spec, Target));

        Assert.Equal((4, 17), (error.Line, error.Column)); // the expr value, after `- { expr: `
        Assert.Contains("variable 'state' is not an argument or local", error.Message);
        Assert.StartsWith("Available: request (GetInfoRequest)", error.Fix);
    }

    [Fact]
    public void This_is_a_valid_root_only_in_instance_methods()
    {
        var spec = Load("""
            functions:
              - function: SlowRpc.Server.InfoService.GetInfo
                capture: [this._clients]
              - function: SlowRpc.Server.Util.Hash
                capture: [this]
            """);

        var error = Assert.Single(SpecValidator.Validate(spec, Target));

        Assert.Equal((5, 15), (error.Line, error.Column));
        Assert.Equal("Available: text (string).", error.Fix);
    }

    [Fact]
    public void Missing_local_in_an_async_method_explains_hoisting()
    {
        var spec = Load("""
            functions:
              - function: SlowRpc.Server.Worker.RunAsync
                capture: [job, attempt]
            """);

        var error = Assert.Single(SpecValidator.Validate(spec, Target));

        Assert.Contains("variable 'attempt'", error.Message);
        Assert.Contains("only locals used after an await are kept (hoisted)", error.Fix);
    }

    [Fact]
    public void Missing_local_in_an_iterator_explains_hoisting_across_yields()
    {
        var spec = Load("""
            functions:
              - function: SlowRpc.Server.Feed.Lines
                capture: [k, line]
            """);

        var error = Assert.Single(SpecValidator.Validate(spec, Target));

        Assert.Contains("variable 'line'", error.Message);
        Assert.Equal("Available: start (int), k (int). In an iterator only locals used after a yield are kept (hoisted) and can be captured.", error.Fix);
    }

    [Fact]
    public void Function_names_are_enumerated_once_and_only_when_needed()
    {
        var target = new FakeTargetMethods(FakeTargetMethods.Method("A.B.C", parameters: ["x"]));
        var good = Load("functions: [{ function: A.B.C, capture: [x] }]");
        var bad = Load("""
            functions:
              - { function: A.B.D, capture: [x] }
              - { function: A.B.E, capture: [x] }
            """);

        Assert.Empty(SpecValidator.Validate(good, target));
        Assert.Equal(0, target.EnumerateCalls);
        Assert.Equal(2, SpecValidator.Validate(bad, target).Count);
        Assert.Equal(1, target.EnumerateCalls);
    }
}
