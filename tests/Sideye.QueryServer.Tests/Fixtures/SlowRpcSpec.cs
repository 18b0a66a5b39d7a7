namespace Sideye.QueryServer.Tests.Fixtures;

/// <summary>The walkthrough's end-state spec for the slow-RPC scene, plus the contract target's functions.</summary>
internal static class SlowRpcSpec
{
    public const string Yaml = """
        functions:
          - function: SlowRpc.Server.InfoService.GetInfo
            capture: [request, cs]
            columns:
              - { name: processing, sql: "cs->'Mu.Processing'" }
              - { name: last_background_service_time, sql: "cs->'Mu.LastBackgroundServiceStartTime'", type: TimestampNanos }
              - { name: cs_addr, sql: "raw_cs->'__addr'", visible: false }
          - function: SlowRpc.Server.BackgroundProcessor.ProcessClient
            capture: [cs]
            columns:
              - { name: cs_addr, sql: "raw_cs->'__addr'", visible: false }
          - function: Contract.Waiter.Wait
            capture: [n, label]
        tables:
          - { name: busy_clients, sql: "SELECT request->>'ClientId' AS client_id FROM InfoService_GetInfo WHERE processing = 'true'" }
        links:
          - note: handler blocked by background processing
            from: { table: InfoService_GetInfo, columns: [cs_addr] }
            to:   { table: BackgroundProcessor_ProcessClient, columns: [cs_addr] }
        """;
}
