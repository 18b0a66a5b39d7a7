namespace Sideye.SpecCompiler.Tests;

/// <summary>
/// The spec from issue 3, completed with the BackgroundProcessor function its link points at (the issue
/// elides it), and with real SQL where it wrote "...".
/// </summary>
internal static class DemoSpec
{
    public const string Yaml = """
        functions:
          - function: SlowRpc.Server.InfoService.GetInfo     # Namespace.Type.Method as written in C#
            capture:
              - request                                      # argument or local, by name
              - cs
              - { expr: cs.Mu.Processing, column: processing }   # field path; properties' backing fields too
            columns:                                         # extra columns: SQL over captured columns
              - { name: last_background_service_time, sql: "cs->'Mu.LastBackgroundServiceStart'", type: TimestampNanos }
              - { name: cs_addr, sql: "raw_cs->'__addr'", visible: false }
          - function: SlowRpc.Server.BackgroundProcessor.ProcessClient
            capture: [cs, cs.Mu.LastBackgroundServiceStart]
            columns:
              - { name: cs_addr, sql: "raw_cs->'__addr'", visible: false }
        tables:                                              # derived tables
          - { name: busy_clients, sql: "SELECT request->>'ClientId' AS client_id FROM InfoService_GetInfo WHERE processing = 'true'" }
        links:
          - note: handler blocked by background processing
            from: { table: InfoService_GetInfo, columns: [cs_addr] }
            to:   { table: BackgroundProcessor_ProcessClient, columns: [cs_addr] }
        limits: { max_string_bytes: 512, max_collection_items: 64, max_depth: 4 }   # defaults shown; per type too
        """;

    public static Spec Load()
    {
        var result = SpecLoader.Parse(Yaml);
        Assert.True(result.Success, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Spec!;
    }
}
