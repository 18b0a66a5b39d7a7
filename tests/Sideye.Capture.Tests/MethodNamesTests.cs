using Sideye.Capture.Naming;

namespace Sideye.Capture.Tests;

/// <summary>Runtime names become the names a C# developer wrote (and a spec's function: refers to).</summary>
public sealed class MethodNamesTests
{
    [Theory]
    [InlineData("SlowRpc.Server.InfoService+<GetInfo>d__2", "MoveNext", "SlowRpc.Server.InfoService.GetInfo")]
    [InlineData("SlowRpc.Server.InfoService", "GetInfo", "SlowRpc.Server.InfoService.GetInfo")]
    [InlineData("Outer+Inner", "Run", "Outer.Inner.Run")]
    [InlineData("Ns.C+<>c", "<Main>b__0_1", "Ns.C.Main.lambda_0_1")]
    [InlineData("Ns.C+<>c__DisplayClass3_0", "<Run>b__2", "Ns.C.Run.lambda_2")]
    [InlineData("Ns.C", "<Main>g__Local|0_0", "Ns.C.Main.Local")]
    [InlineData("Ns.C+<<Main>g__Local|0_0>d", "MoveNext", "Ns.C.Main.Local")]
    [InlineData("Ns.C+<>c+<<Main>b__0_0>d", "MoveNext", "Ns.C.Main.lambda_0_0")]
    [InlineData("Program", "<Main>$", "Program.Main")]
    [InlineData("Program", "<Main>", "Program.Main")]
    [InlineData("Grpc.Shared.Server.UnaryServerMethodInvoker<System.__Canon, System.__Canon>", "Invoke", "Grpc.Shared.Server.UnaryServerMethodInvoker<_, _>.Invoke")]
    [InlineData("System.Collections.Generic.List<Ns.A+B>", "Add", "System.Collections.Generic.List<Ns.A+B>.Add")]
    // The runtime's box of a running async call, seen on a thread's stack below the user's method.
    [InlineData("System.Runtime.CompilerServices.AsyncTaskMethodBuilder<System.Threading.Tasks.VoidTaskResult>+AsyncStateMachineBox<System.Net.Http.Http2Connection+Http2Stream+<SendDataAsync>d__81>",
        "MoveNext", "System.Runtime.CompilerServices.AsyncTaskMethodBuilder<System.Threading.Tasks.VoidTaskResult>.AsyncStateMachineBox<System.Net.Http.Http2Connection.Http2Stream.SendDataAsync>.MoveNext")]
    [InlineData("Ns.Box<Ns.C+<<Main>b__0_0>d, Ns.D+<Run>d__3>", "Go", "Ns.Box<Ns.C.Main.lambda_0_0, Ns.D.Run>.Go")]
    [InlineData("System.Runtime.CompilerServices.AsyncTaskMethodBuilder", "Start[[Grpc.X`3+<HandleCallAsyncCore>d__2[[_, System.Private.CoreLib]], Grpc]]", "System.Runtime.CompilerServices.AsyncTaskMethodBuilder.Start")]
    public void ToCSharp(string type, string method, string expected) =>
        Assert.Equal(expected, MethodNames.ToCSharp(type, method));

    [Theory]
    [InlineData("SlowRpc.Client.LogicalClient+<RunClientAsync>d__0", "SlowRpc.Client.LogicalClient.RunClientAsync")]
    [InlineData("Ns.C+<GetAsync>d", "Ns.C.GetAsync")]
    [InlineData("Ns.C+Nested", null)]
    public void StateMachineToCSharp(string type, string? expected) =>
        Assert.Equal(expected, MethodNames.StateMachineToCSharp(type));
}
