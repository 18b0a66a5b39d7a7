using Sideye.Snapshot;

namespace Sideye.QueryServer.Tests.Fixtures;

/// <summary>
/// The walkthrough's slow-RPC scene as a snapshot: 100 logical clients awaiting GetInfo, 99 server handlers
/// awaiting Task.Delay (line 40), one awaiting the client's lock (line 35), and the background-processor
/// thread holding that lock in ProcessClient. Captured values: GetInfo's and ProcessClient's <c>cs</c>. The variables of
/// both methods in <c>method_variables</c>.
/// </summary>
internal static class SlowRpcSnapshot
{
    public const int ClientPid = 1001;
    public const int ServerPid = 1002;
    public const string ClientName = "SlowRpc.Client";
    public const string ServerName = "SlowRpc.Server";
    public const string RunClient = "SlowRpc.Client.LogicalClient.RunClientAsync";
    public const string ClientGetInfo = "SlowRpc.Client.RpcClient.GetInfoAsync";
    public const string GetInfo = "SlowRpc.Server.InfoService.GetInfo";
    public const string HandleCall = "Grpc.AspNetCore.Server.Internal.CallHandlers.UnaryServerCallHandler`3.HandleCallAsyncCore";
    public const string ProcessClient = "SlowRpc.Server.BackgroundProcessor.ProcessClient";
    public const string BackgroundRun = "SlowRpc.Server.BackgroundProcessor.Run";
    public const string Sleep = "System.Threading.Thread.Sleep";
    public const long LockedStackId = 200;
    public const long BackgroundStackId = 201;
    public const int BlockedClientId = 42;
    public const long ClientStateAddress = 0x7f00_0000_1000;

    public static SnapshotManifest Manifest(string id, DateTimeOffset capturedAt) => new(
        Id: id,
        CapturedAtUtc: capturedAt,
        ToolVersion: "0.1.0",
        SchemaVersion: SnapshotTables.SchemaVersion,
        Source: "live",
        Processes:
        [
            new ManifestProcess(ClientPid, ClientName, "SlowRpc.Client --server localhost", "10.0.0", 12.5, 80.0, []),
            new ManifestProcess(ServerPid, ServerName, "SlowRpc.Server", "10.0.0", 15.0, 95.0, []),
        ],
        Warnings: [],
        Tables: SnapshotTables.All,
        Spec: null);

    public static SnapshotData Data()
    {
        var stacks = new List<StackRow>();
        var frames = new List<FrameRow>();
        var values = new List<CapturedValueRow>();
        for (long id = 1; id <= 100; id++)
        {
            stacks.Add(Async(id, ClientPid, 2, "Grpc.Net.Client.Internal.GrpcCall`2"));
            frames.Add(Frame(id, ClientPid, 0, ClientGetInfo, "Client/RpcClient.cs", 22, FrameKinds.Async, 0));
            frames.Add(Frame(id, ClientPid, 1, RunClient, "Client/LogicalClient.cs", 50, FrameKinds.Async, 1));
        }
        for (long id = 101; id <= LockedStackId; id++)
        {
            bool locked = id == LockedStackId;
            int clientId = locked ? BlockedClientId : (int)id;
            stacks.Add(Async(id, ServerPid, 2, locked ? "System.Threading.SemaphoreSlim+TaskNode" : "System.Threading.Tasks.Task+DelayPromise"));
            frames.Add(Frame(id, ServerPid, 0, GetInfo, "Server/InfoService.cs", locked ? 35 : 40, FrameKinds.Async, locked ? 0 : 1));
            frames.Add(new FrameRow(id, ServerPid, 1, HandleCall, "Grpc.AspNetCore.Server", 0x4a, null, null, FrameKinds.Async, 0, null, 0x7f00_0000_8000 + id, null));
            values.Add(Value(id, ServerPid, 0, GetInfo, "cs", ClientState(clientId, processing: locked), Raw(locked ? ClientStateAddress : ClientStateAddress + (id * 0x100))));
            values.Add(Value(id, ServerPid, 0, GetInfo, "request", $$"""{"ClientId":{{clientId}}}""", null));
        }
        stacks.Add(new StackRow(BackgroundStackId, ServerPid, StackKinds.Thread, 4242, 7, "background-processor", "Running", 3, null, null));
        frames.Add(new FrameRow(BackgroundStackId, ServerPid, 0, Sleep, "System.Private.CoreLib", 0, null, null, FrameKinds.Managed, null, 0x7f00_1000_0000, null, null));
        frames.Add(Frame(BackgroundStackId, ServerPid, 1, ProcessClient, "Server/BackgroundProcessor.cs", 60, FrameKinds.Managed, null));
        frames.Add(Frame(BackgroundStackId, ServerPid, 2, BackgroundRun, "Server/BackgroundProcessor.cs", 30, FrameKinds.Managed, null));
        values.Add(Value(BackgroundStackId, ServerPid, 1, ProcessClient, "cs", ClientState(BlockedClientId, processing: true), Raw(ClientStateAddress)));
        ProcessRow[] processes =
        [
            new(ClientPid, ClientName, "SlowRpc.Client --server localhost", "10.0.0", "live", 12.5, 80.0, 12, 100, null),
            new(ServerPid, ServerName, "SlowRpc.Server", "10.0.0", "live", 15.0, 95.0, 20, 100, null),
        ];
        return new SnapshotData(processes, stacks, frames, values) { MethodVariables = MethodVariables() };
    }

    /// <summary>What the capture records for the server's methods with a PDB (as a real snapshot of the Release demo has them).</summary>
    public static IReadOnlyList<MethodVariableRow> MethodVariables()
    {
        const string getInfo = "Task<GetInfoResponse> GetInfo(GetInfoRequest request, ServerCallContext context)";
        const string scope = "IL_0000..IL_0202";
        MethodVariableRow Async(int position, string name, string type, string kind, string storage, string? field, string? scopes) =>
            new(ServerPid, GetInfo, "SlowRpc.Server.dll", 0x0600004b, getInfo, "async", position, name, type, kind, storage, field,
                storage is MethodVariableStorages.StateMachine or MethodVariableStorages.Closure, storage != MethodVariableStorages.NotHoisted || kind == MethodVariableKinds.Local, scopes);
        MethodVariableRow Sync(int position, string name, string type, string kind) =>
            new(ServerPid, ProcessClient, "SlowRpc.Server.dll", 0x06000039, "void ProcessClient(ClientState cs)", null, position, name, type, kind,
                MethodVariableStorages.Frame, null, null, true, null);
        return
        [
            Async(0, "this", "SlowRpc.Server.InfoService", MethodVariableKinds.This, MethodVariableStorages.StateMachine, "<>4__this", null),
            Async(1, "request", "SlowRpc.Protos.GetInfoRequest", MethodVariableKinds.Parameter, MethodVariableStorages.StateMachine, "request", null),
            Async(2, "context", "Grpc.Core.ServerCallContext", MethodVariableKinds.Parameter, MethodVariableStorages.NotHoisted, null, null),
            Async(3, "started", "long", MethodVariableKinds.Local, MethodVariableStorages.StateMachine, "<started>5__2", scope),
            Async(4, "cs", "SlowRpc.Server.ClientState", MethodVariableKinds.Local, MethodVariableStorages.StateMachine, "<cs>5__3", scope),
            Async(5, "numCalls", "long", MethodVariableKinds.Local, MethodVariableStorages.StateMachine, "<numCalls>5__4", scope),
            Sync(0, "this", "SlowRpc.Server.BackgroundProcessor", MethodVariableKinds.This),
            Sync(1, "cs", "SlowRpc.Server.ClientState", MethodVariableKinds.Parameter),
        ];
    }

    public static async Task<string> WriteAsync(string parent, string id, DateTimeOffset capturedAt) =>
        await SnapshotWriter.WriteAsync(parent, Manifest(id, capturedAt), Data());

    private static StackRow Async(long id, int pid, int frameCount, string awaiting) =>
        new(id, pid, StackKinds.Async, null, null, null, null, frameCount, awaiting, 0x7f00_0000_0000 + id);

    private static FrameRow Frame(long stack, int pid, int depth, string method, string? file, int? line, string kind, int? awaitState) =>
        new(stack, pid, depth, method, method.Split('.')[0], 0x10 + depth, file, line, kind, awaitState, null, null, null);

    private static CapturedValueRow Value(long stack, int pid, int depth, string function, string column, string value, string? raw) =>
        new(stack, pid, depth, function, column, value, raw, "SlowRpc.Server.ClientState", null);

    private static string ClientState(int clientId, bool processing) =>
        $$$"""{"ClientId":{{{clientId}}},"Mu":{"Processing":{{{(processing ? "true" : "false")}}},"LastBackgroundServiceStartTime":1700000000000000000}}""";

    private static string Raw(long address) =>
        $$"""{"__addr":"0x{{address:x}}","__type":"SlowRpc.Server.ClientState","ClientId":0}""";
}
