using System.Net;
using System.Net.Sockets;
using RuntimeAsyncUser;

// Parks user methods compiled as runtime async (see dumps/README.md, "runtime-async-user/"), one logical operation per
// call, prints one TRUTH line per parked operation (shape, then its frames innermost first as Method:line of the
// await, or of the blocking call for "running"), then READY <pid>, then sleeps. Needs the 11.0.0 runtime.
const int PlainTaskCount = 3, TokenCount = 3, ValueTaskSourceCount = 2, NestedCount = 2;

var keep = new List<object>();
var cancel = new CancellationTokenSource();
var gate = new SemaphoreSlim(0);
keep.AddRange([cancel, gate]);
// Each Task-awaiting operation has a task of its own, so the task's m_continuationObject is that one waiter (several
// waiters on one task would share a List<object>).
Task Never()
{
    var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    keep.Add(source);
    return source.Task;
}
var truths = new List<string>();

for (int i = 0; i < PlainTaskCount; i++)
{
    keep.Add(Parked.AwaitNeverCompletedTaskAsync(Never()));
    truths.Add($"plain-task {Truth.Frame(nameof(Parked.AwaitNeverCompletedTaskAsync))}");
}

for (int i = 0; i < TokenCount; i++)
{
    keep.Add(Parked.AwaitSemaphoreWithTokenAsync(gate, cancel.Token));
    truths.Add($"token {Truth.Frame(nameof(Parked.AwaitSemaphoreWithTokenAsync))}");
}

var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
listener.Listen(ValueTaskSourceCount);
keep.Add(listener);
for (int i = 0; i < ValueTaskSourceCount; i++)
{
    var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    client.Connect(listener.LocalEndPoint!);
    Socket server = listener.Accept(); // the far end: never writes
    keep.AddRange([client, server, Parked.ReceiveNeverAnsweredAsync(client)]);
    truths.Add($"value-task-source {Truth.Frame(nameof(Parked.ReceiveNeverAnsweredAsync))}");
}

for (int i = 0; i < NestedCount; i++)
{
    keep.Add(Parked.NestedOuterAsync(i));
    truths.Add($"nested {Truth.Frame(nameof(Parked.NestedInnermostAsync))} {Truth.Frame(nameof(Parked.NestedMiddleAsync))} " +
               Truth.Frame(nameof(Parked.NestedOuterAsync)));
}

var entered = new ManualResetEventSlim();
var blocked = new ManualResetEventSlim();
keep.AddRange([entered, blocked, Parked.RunningOuterAsync(entered, blocked)]);
if (!entered.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the running chain never resumed");
truths.Add($"running {Truth.Frame(nameof(Parked.RunningInnerAsync))} {Truth.Frame(nameof(Parked.RunningOuterAsync))}");

keep.Add(Parked.StateMachineAwaitingRuntimeAsync(Never()));
truths.Add($"sm-awaits-ra {Truth.Frame(nameof(Parked.RuntimeAsyncAwaitedByStateMachine))} " +
           Truth.Frame(nameof(Parked.StateMachineAwaitingRuntimeAsync)));

keep.Add(Parked.RuntimeAsyncAwaitingStateMachine(Never()));
truths.Add($"ra-awaits-sm {Truth.Frame(nameof(Parked.StateMachineAwaitedByRuntimeAsync))} " +
           Truth.Frame(nameof(Parked.RuntimeAsyncAwaitingStateMachine)));

// Let the socket receives register with the event loop and the running chain reach its Wait, so every operation is
// parked when READY is printed.
Thread.Sleep(200);
foreach (string truth in truths) Console.WriteLine($"TRUTH {truth}");
Console.WriteLine($"READY {Environment.ProcessId}");
Thread.Sleep(Timeout.Infinite);
GC.KeepAlive(keep);
