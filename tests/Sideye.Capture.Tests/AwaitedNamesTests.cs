using Sideye.Capture.Walk;

namespace Sideye.Capture.Tests;

/// <summary>What an async stack is shown awaiting: the call a person wrote, for the runtime objects it is known by.</summary>
public sealed class AwaitedNamesTests
{
    [Theory]
    [InlineData("System.Threading.Tasks.Task+DelayPromiseWithCancellation", "Task.Delay")]
    [InlineData("System.Threading.SemaphoreSlim+TaskNode", "SemaphoreSlim.WaitAsync")]
    [InlineData("System.Threading.Channels.BlockedReadAsyncOperation<System.Int32>", "ChannelReader.ReadAsync")]
    [InlineData("System.Threading.Channels.WaitingReadAsyncOperation", "ChannelReader.WaitToReadAsync")]
    [InlineData("System.Threading.Channels.BlockedWriteAsyncOperation<SlowRpc.Job>", "ChannelWriter.WriteAsync")]
    [InlineData("System.IO.Pipelines.Pipe+DefaultPipeReader", "PipeReader.ReadAsync")]
    [InlineData("System.Net.Sockets.Socket+AwaitableSocketAsyncEventArgs", "Socket I/O")]
    [InlineData("System.Net.Http.Http2Connection+Http2Stream", "HTTP/2 response")]
    [InlineData("System.Threading.Tasks.TaskCompletionSource<System.Boolean>", "TaskCompletionSource")]
    [InlineData("System.Runtime.CompilerServices.AsyncTaskMethodBuilder<System.Int32>+AsyncStateMachineBox<Ns.C+<M>d__0>", "async method")]
    [InlineData("System.Threading.Tasks.Task<SlowRpc.Protos.GetInfoResponse>", "System.Threading.Tasks.Task<SlowRpc.Protos.GetInfoResponse>")]
    public void Known_awaited_objects_are_named_by_the_call_that_made_them(string typeName, string shown) =>
        Assert.Equal(shown, AsyncStackWalker.FriendlyAwaited(typeName));
}
