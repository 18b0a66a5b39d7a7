using Sideye.Capture.Walk;
using Sideye.Snapshot;

namespace Sideye.Capture.Tests;

/// <summary>An async method running before its first await shows once on its thread, not as MoveNext + Start + stub.</summary>
public sealed class AsyncKickoffTests
{
    private static CapturedFrame Managed(string method) => new(method, "m.dll", 0, null, null, FrameKinds.Managed);

    [Theory]
    [InlineData("System.Runtime.CompilerServices.AsyncMethodBuilderCore.Start")]
    [InlineData("System.Runtime.CompilerServices.AsyncMethodBuilderCore.Start", "System.Runtime.CompilerServices.AsyncTaskMethodBuilder.Start")]
    public void The_builder_and_the_kickoff_stub_are_dropped(params string[] starts)
    {
        List<CapturedFrame> frames = [Managed("System.Threading.Thread.Sleep"), Managed("App.Svc.RunAsync"), .. starts.Select(Managed), Managed("App.Svc.RunAsync"), Managed("App.Program.Main")];

        ThreadStackWalker.CollapseAsyncKickoffs(frames);

        Assert.Equal(["System.Threading.Thread.Sleep", "App.Svc.RunAsync", "App.Program.Main"], frames.Select(f => f.Method));
    }

    [Fact]
    public void Recursion_and_other_methods_named_Start_are_kept()
    {
        List<CapturedFrame> frames = [Managed("App.Svc.Run"), Managed("App.Svc.Run"), Managed("App.Host.Start"), Managed("App.Svc.Run")];

        ThreadStackWalker.CollapseAsyncKickoffs(frames);

        Assert.Equal(4, frames.Count);
    }
}
