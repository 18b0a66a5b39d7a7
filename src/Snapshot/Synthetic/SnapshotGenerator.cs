using System.Globalization;

namespace Sideye.Snapshot.Synthetic;

/// <summary>
/// Writes a large snapshot with a real service's shape through the real <see cref="SnapshotWriter"/>, for scale tests
/// and benchmarks of the query server: few distinct stacks repeated many times (a service's thread pool and its
/// thousands of requests in the same few places), async and thread stacks, wait times, and one function captured on
/// many frames with JSON values (a request object with a client id, an amount, tags). Also writes the spec that
/// names the function's table (<c>sideye.yaml</c> beside the snapshot folder).
/// </summary>
public static class SnapshotGenerator
{
    private const int Shapes = 300;
    private static readonly string[] Namespaces = ["Shop.Orders", "Shop.Billing", "Shop.Catalog", "Shop.Shipping", "Shop.Identity", "Shop.Search"];
    private static readonly string[] Types = ["Service", "Repository", "Handler", "Client", "Cache", "Validator", "Processor", "Gateway"];
    private static readonly string[] Methods = ["HandleAsync", "GetAsync", "SaveAsync", "ValidateAsync", "LoadAsync", "SendAsync", "ProcessAsync", "FetchAsync", "Run", "Execute"];
    private static readonly string[] Leaves =
    [
        "System.Threading.SemaphoreSlim.WaitAsync", "System.Threading.Tasks.Task.Delay", "System.Net.Sockets.Socket.ReceiveAsync",
        "System.Threading.Channels.BoundedChannel.ReadAsync", "System.Net.Http.Http2Connection.Http2Stream.ReadResponseHeadersAsync",
        "System.Threading.Monitor.Enter_Slowpath", "System.Threading.LowLevelLifoSemaphore.WaitForSignal",
    ];

    /// <summary>Generates and writes the snapshot under <paramref name="parentDirectory"/>; returns its folder.</summary>
    public static async Task<string> GenerateAsync(GeneratorOptions options, string parentDirectory, Action<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Stacks <= 0 || options.Frames < options.Stacks || options.CapturedRows < 0)
            throw new ArgumentException("need at least one stack, at least one frame per stack, and no negative row count");
        var random = new Random(options.Seed);
        DateTimeOffset capturedAt = DateTimeOffset.UtcNow;
        const int pid = 4242;

        // A few hundred shapes, each a leaf (where it waits) under a chain of service frames through the captured
        // function. Their lengths average the frames asked per stack.
        int meanDepth = Math.Max(1, options.Frames / options.Stacks);
        var shapes = new List<string[]>(Shapes);
        for (int s = 0; s < Shapes; s++)
        {
            int depth = Math.Max(1, (int)Math.Round(meanDepth * (0.5 + random.NextDouble())));
            var frames = new string[depth];
            frames[0] = Leaves[random.Next(Leaves.Length)];
            for (int d = 1; d < depth; d++)
                frames[d] = $"{Namespaces[random.Next(Namespaces.Length)]}.{Types[random.Next(Types.Length)]}{random.Next(40)}.{Methods[random.Next(Methods.Length)]}";
            if (depth > 1)
                frames[depth / 2] = GeneratorOptions.Function; // every request passes through the handler
            shapes.Add(frames);
        }

        progress?.Invoke($"generating {options.Stacks} stacks over {Shapes} shapes...");
        var stacks = new List<StackRow>(options.Stacks);
        var frameRows = new List<FrameRow>(options.Frames + options.Stacks);
        var carriers = new List<(long Stack, int Depth)>();
        for (int i = 0; i < options.Stacks; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Zipf-like: most stacks are in a few shapes, as a service's requests pile up in the same places.
            string[] shape = shapes[(int)(Shapes * Math.Pow(random.NextDouble(), 3))];
            long id = i + 1;
            bool async = random.NextDouble() < 0.8;
            double? waitMs = random.NextDouble() < 0.6 ? Math.Round(random.NextDouble() * 5000, 1) : null;
            stacks.Add(new StackRow(id, pid, async ? "async" : "thread", async ? null : 1000 + i, async ? null : i + 1, async ? null : $"worker-{i}",
                async ? "awaiting" : "running", shape.Length, async ? "async method" : null, async ? 0x7f00_0000_0000 + id * 64 : null,
                waitMs is double w ? capturedAt.UtcDateTime.AddMilliseconds(-w) : null, waitMs, waitMs is null ? null : "generated"));
            for (int d = 0; d < shape.Length; d++)
            {
                frameRows.Add(new FrameRow(id, pid, d, shape[d], "Shop.dll", 10 * d, $"/src/{shape[d].Split('.')[^2]}.cs", 20 + d, async ? "async" : "managed",
                    async ? 0 : null, null, null, null));
                if (shape[d] == GeneratorOptions.Function)
                    carriers.Add((id, d));
            }
        }

        // The rows spread over the carrier frames, up to ten captured variables per frame, as a spec capturing a
        // handler's arguments gives.
        int perFrame = carriers.Count == 0 ? 0 : Math.Min(Columns.Length, (options.CapturedRows + carriers.Count - 1) / carriers.Count);
        progress?.Invoke($"generating {options.CapturedRows} captured rows on {carriers.Count} frames of {GeneratorOptions.Function} ({perFrame} variables each)...");
        var values = new List<CapturedValueRow>(options.CapturedRows);
        for (int r = 0; r < options.CapturedRows && r < carriers.Count * perFrame; r++)
        {
            (long stack, int depth) = carriers[r / perFrame];
            string column = Columns[r % perFrame];
            int client = random.Next(1000);
            string amount = (random.Next(100_000) / 100.0).ToString("0.00", CultureInfo.InvariantCulture);
            string value = $$"""{"ClientId":{{client}},"Amount":{{amount}},"Currency":"EUR","Tags":["t{{r % 7}}","t{{r % 11}}"],"Note":"{{column}} {{r}} for client {{client}}"}""";
            string raw = $$"""{"__addr":"0x{{(0x7f10_0000_0000 + (long)r * 96).ToString("x", CultureInfo.InvariantCulture)}}","__type":"Shop.Orders.OrderRequest",{{value[1..]}}""";
            values.Add(new CapturedValueRow(stack, pid, depth, GeneratorOptions.Function, column, value, raw, "Shop.Orders.OrderRequest", null));
        }

        var process = new ProcessRow(pid, "Shop.Generated", "dotnet Shop.Generated.dll", "10.0.0", "generated", null, 0,
            stacks.Count(s => s.Kind == "thread"), stacks.Count(s => s.Kind == "async"), null, null, capturedAt.UtcDateTime);
        var manifest = new SnapshotManifest(SnapshotWriter.NewId(capturedAt), capturedAt, "generated", SnapshotTables.SchemaVersion, "generated",
            [new ManifestProcess(pid, process.Name, process.CommandLine, process.RuntimeVersion, null, 0, [])], [], SnapshotTables.All, SpecFileName);
        progress?.Invoke($"writing {frameRows.Count} frames and {values.Count} captured rows...");
        string folder = await SnapshotWriter.WriteAsync(parentDirectory, manifest, new SnapshotData([process], stacks, frameRows, values), cancellationToken)
            .ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(parentDirectory, SpecFileName), SpecFor(Math.Max(1, perFrame)), cancellationToken).ConfigureAwait(false);
        return folder;
    }

    public const string SpecFileName = "sideye.yaml";

    /// <summary>The variables a generated frame of the function has captured (as many as the rows need, in this order).</summary>
    public static readonly string[] Columns = ["request", "customer", "cart", "payment", "shipping", "address", "inventory", "pricing", "discount", "audit"];

    /// <summary>The spec that names the generated function's table, with the extra columns the benchmarks filter on.</summary>
    public static string SpecFor(int variables) => $$"""
        # Written by `sideye generate`: the table of the generated snapshot's captured function.
        functions:
          - function: {{GeneratorOptions.Function}}
            capture: [{{string.Join(", ", Columns.Take(variables))}}]
            columns:
              - { name: client_id, sql: "request->'ClientId'", type: BIGINT }
              - { name: amount, sql: "request->'Amount'", type: DOUBLE }

        """;
}
