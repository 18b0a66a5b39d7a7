using System.Diagnostics;
using System.Text.Json;
using Microsoft.Diagnostics.Runtime;
using Sideye.Capture.Values;
using Sideye.SpecCompiler;
using Sideye.Tests.Shared;
using Xunit.Abstractions;

namespace Sideye.Capture.Tests;

/// <summary>
/// The value renderer against the real known-values process (dumps/known-values): every value is compared with
/// the truth the target's source states. Run for a Release and a Debug build by the two derived classes.
/// </summary>
public abstract class ValuesRendererTests
{
    private const string GuidText = KnownValuesTruth.GuidText;
    private const string Cycle = KnownValuesTruth.Cycle;
    private static readonly string LongText = KnownValuesTruth.LongText;
    private static readonly string Many = KnownValuesTruth.Many;
    private static readonly (string Name, string Json)[] Locals = KnownValuesTruth.Locals;

    private readonly ValuesTargetFixture _target;
    private readonly ITestOutputHelper _output;

    protected ValuesRendererTests(ValuesTargetFixture target, ITestOutputHelper output)
    {
        _target = target;
        _output = output;
    }

    private ValueRenderer Renderer => _target.Renderer;

    [Theory]
    [InlineData("Answer", "42", "System.Int32")]
    [InlineData("Big", "1234567890123", "System.Int64")]
    [InlineData("Flag", "true", "System.Boolean")]
    [InlineData("Ratio", "0.25", "System.Double")]
    [InlineData("Color", "\"Green\"", "KnownValues.Color")]
    [InlineData("Rights", "\"Read | Write\"", "KnownValues.Access")]
    [InlineData("OddRights", "17", "KnownValues.Access")]
    [InlineData("Letter", "\"Z\"", "System.Char")]
    [InlineData("Huge", "18446744073709551615", "System.UInt64")]
    [InlineData("Single", "1.5", "System.Single")]
    public void Primitives_and_enums_render_as_json_scalars(string field, string json, string type)
    {
        RenderedValue value = Renderer.RenderLocation(Static(field));

        Assert.True(value.IsAvailable, value.Unavailable);
        Assert.Equal(json, value.Json);
        Assert.Equal(json, value.RawJson); // primitives stay primitives
        Assert.Equal(type, value.TypeName);
    }

    [Theory]
    [InlineData("P", """{"X":3,"Y":4}""")]
    [InlineData("Price", "12.34")]
    [InlineData("When", "\"2024-01-02T03:04:05Z\"")]
    [InlineData("Id", $"\"{GuidText}\"")]
    [InlineData("Span", "\"00:01:30\"")]
    [InlineData("SomeNumber", "5")]
    [InlineData("NoNumber", "null")]
    [InlineData("Stamp", "\"2024-01-02T03:04:05+02:00\"")]
    [InlineData("Frozen", "[7,8,9]")]
    public void Structs_render_by_their_meaning(string field, string json)
    {
        AssertRenders(field, json);
    }

    [Theory]
    [InlineData("Greeting", "\"hello\"")]
    [InlineData("Cycle", Cycle)]
    [InlineData("Dict", """{"a":1,"b":2}""")]
    [InlineData("Arr", "[1,2,3]")]
    [InlineData("Nothing", "null")]
    [InlineData("Names", """["x"]""")]
    [InlineData("Concurrent", """[{"key":1,"value":"one"},{"key":2,"value":"two"}]""")]
    [InlineData("Fifo", "[2,3,4]")]
    [InlineData("Lifo", """["top","bottom"]""")]
    [InlineData("ByNumber", """[{"key":1,"value":{"X":1,"Y":1}},{"key":2,"value":{"X":2,"Y":2}}]""")]
    [InlineData("WorkQueue", "[2,3,4]")]
    [InlineData("Chain", """["a","b","c"]""")]
    [InlineData("Ordered", "[1,3,5]")]
    [InlineData("ByName", """{"a":1,"b":2,"c":3}""")]
    [InlineData("Text", "\"hello, bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb end\"")]
    public void References_render_as_objects_strings_and_collections(string field, string json)
    {
        AssertRenders(field, json);
    }

    [Fact]
    public void Long_strings_and_large_collections_are_cut_with_markers()
    {
        Assert.Equal(LongText, Renderer.RenderLocation(Static("LongText")).Json);

        RenderedValue many = Renderer.RenderLocation(Static("Many"));
        Assert.Equal(Many, many.Json);
        using JsonDocument raw = JsonDocument.Parse(many.RawJson);
        Assert.Equal(1000, raw.RootElement.GetProperty("__count").GetInt32());
        Assert.Equal(64, raw.RootElement.GetProperty("__items").GetArrayLength());
        Assert.Equal("System.Collections.Generic.List<System.Int32>", raw.RootElement.GetProperty("__type").GetString());
        Assert.Equal(Hex(StaticObject("Many")), raw.RootElement.GetProperty("__addr").GetString());
    }

    [Fact]
    public void A_concurrent_queue_over_several_segments_and_a_channel_show_their_items_in_order()
    {
        // 100 items: the first segments are frozen (their tails pushed past their length), the rest follow on.
        RenderedValue queue = Renderer.RenderLocation(Static("LongQueue"));
        Assert.Equal("[" + string.Join(",", Enumerable.Range(0, 64)) + ",\"\u2026(100 items)\"]", queue.Json);

        // Channel.CreateBounded keeps its items in a Deque.
        using JsonDocument channel = JsonDocument.Parse(Renderer.RenderLocation(Static("Bounded")).Json);
        Assert.Equal("[7,8]", channel.RootElement.GetProperty("_items").GetRawText());
    }

    [Theory]
    [InlineData("Done", """{"Status":"RanToCompletion","Result":42}""")]
    [InlineData("Canceled", """{"Status":"Canceled"}""")]
    public void Tasks_render_as_their_status_result_and_async_method(string field, string json)
    {
        AssertRenders(field, json);
    }

    [Theory]
    [InlineData("Token", """{"IsCancellationRequested":false,"CanBeCanceled":true}""")]
    [InlineData("CanceledToken", """{"IsCancellationRequested":true,"CanBeCanceled":true}""")]
    [InlineData("NoToken", """{"IsCancellationRequested":false,"CanBeCanceled":false}""")]
    [InlineData("CanceledSource", """{"IsCancellationRequested":true}""")]
    [InlineData("Failure", """{"Type":"System.InvalidOperationException","Message":"outer","InnerException":{"Type":"System.ArgumentException","Message":"inner"}}""")]
    [InlineData("Callback", """{"Method":"KnownValues.Greeter.Greet","Target":{"Name":"cb"}}""")]
    [InlineData("Both", """[{"Method":"KnownValues.Greeter.Wave","Target":{"Name":"cb"}},{"Method":"KnownValues.Greeter.Shout","Target":null}]""")]
    [InlineData("Link", "\"https://example.com/a?b=1\"")]
    [InlineData("KindOf", "\"KnownValues.Point\"")]
    public void Common_framework_objects_render_by_their_meaning(string field, string json)
    {
        AssertRenders(field, json);
    }

    [Fact]
    public void A_generic_types_async_method_is_named_as_its_frames_are()
    {
        // As the async stack's frame names it: Box<_> where Release shares the code, Box<System.String> in Debug.
        string instantiation = _target.Configuration == "Debug" ? "System.String" : "_";
        Assert.Equal($$"""{"Status":"WaitingForActivation","AsyncMethod":"KnownValues.Box<{{instantiation}}>.WaitAsync"}""",
            Renderer.RenderLocation(Static("PendingBox")).Json);
    }

    [Fact]
    public void An_async_methods_task_keeps_the_address_of_its_box_in_the_raw_form()
    {
        // Statics.Pending[0] is WaitAsync(1, "one")'s task: the box its async stack is found by.
        RenderedValue pending = Renderer.RenderLocation(Static("Pending"));
        using JsonDocument raw = JsonDocument.Parse(pending.RawJson);
        JsonElement first = raw.RootElement.GetProperty("__items")[0];
        Assert.Equal("KnownValues.AsyncHolder.WaitAsync", first.GetProperty("AsyncMethod").GetString());
        Assert.Contains(_target.Boxes, b => Hex(b.Address) == first.GetProperty("__addr").GetString());
    }

    [Fact]
    public void Unicode_and_quotes_survive_as_json()
    {
        RenderedValue value = Renderer.RenderLocation(Static("Unicode"));

        Assert.Equal("h\u00e9llo \"w\u00f6rld\"\n\u2603", JsonSerializer.Deserialize<string>(value.Json));
    }

    [Fact]
    public void An_object_renders_its_fields_and_the_raw_form_adds_addresses_and_types()
    {
        ulong all = StaticObject("All");

        RenderedValue value = Renderer.RenderObject(all);

        Assert.Equal(
            """{"Answer":42,"Big":1234567890123,"Flag":true,"Ratio":0.25,"Greeting":"hello","P":{"X":3,"Y":4},"Color":"Green","Price":12.34,"When":"2024-01-02T03:04:05Z","Id":"6f9619ff-8b86-d011-b42d-00c04fc964ff","Span":"00:01:30","Arr":[1,2,3],"Nothing":null}""",
            value.Json);
        Assert.Equal("KnownValues.Everything", value.TypeName);

        using JsonDocument raw = JsonDocument.Parse(value.RawJson);
        JsonElement root = raw.RootElement;
        Assert.Equal(Hex(all), root.GetProperty("__addr").GetString());
        Assert.Equal("KnownValues.Everything", root.GetProperty("__type").GetString());
        Assert.Equal(42, root.GetProperty("Answer").GetInt32());
        ClrType everything = _target.Type("KnownValues.Everything");
        ulong pAddress = all + (ulong)IntPtr.Size + (ulong)everything.GetFieldByName("P")!.Offset;
        Assert.Equal(Hex(pAddress), root.GetProperty("P").GetProperty("__addr").GetString());
        Assert.Equal("KnownValues.Point", root.GetProperty("P").GetProperty("__type").GetString());
        Assert.Equal(3, root.GetProperty("P").GetProperty("X").GetInt32());
        Assert.Equal("System.Int32[]", root.GetProperty("Arr").GetProperty("__type").GetString());
        Assert.Equal(3, root.GetProperty("Arr").GetProperty("__count").GetInt32());
    }

    [Fact]
    public void A_cycle_is_cut_with_a_reference_to_the_object_already_rendered()
    {
        ulong a = StaticObject("Cycle");

        RenderedValue value = Renderer.RenderObject(a);

        Assert.Equal(Cycle, value.Json);
        using JsonDocument raw = JsonDocument.Parse(value.RawJson);
        JsonElement b = raw.RootElement.GetProperty("Next");
        JsonElement back = b.GetProperty("Next");
        Assert.Equal(Hex(a), raw.RootElement.GetProperty("__addr").GetString());
        Assert.Equal(Hex(a), back.GetProperty("__addr").GetString());
        Assert.Equal("cycle", back.GetProperty("__cut").GetString());
        Assert.Equal("KnownValues.Node", back.GetProperty("__type").GetString());
        Assert.NotEqual(Hex(a), b.GetProperty("__addr").GetString());
    }

    [Fact]
    public void A_boxed_value_renders_as_the_value()
    {
        RenderedValue value = Renderer.RenderObject(StaticObject("BoxedAnswer"));

        Assert.Equal("42", value.Json);
        Assert.Equal("System.Int32", value.TypeName);
    }

    [Fact]
    public void Auto_properties_render_under_their_property_names()
    {
        RenderedValue value = Renderer.RenderLocation(Static("Client"));

        Assert.StartsWith("""{"ClientId":7,"NumCalls":17,"Mu":{"Lock":{""", value.Json);
        Assert.EndsWith(""","Processing":true,"LastBackgroundServiceStart":1700000000000000000}}""", value.Json);
        Assert.DoesNotContain("k__BackingField", value.RawJson);
    }

    [Fact]
    public void Tighter_limits_cut_strings_collections_and_depth()
    {
        var renderer = new ValueRenderer(_target.Runtime, new CaptureLimits { MaxStringBytes = 3, MaxCollectionItems = 2, MaxDepth = 1 });

        Assert.Equal("\"hel…(5 chars, cut)\"", renderer.RenderLocation(Static("Greeting")).Json);
        Assert.Equal("[0,1,\"…(1000 items)\"]", renderer.RenderLocation(Static("Many")).Json);
        Assert.Equal("""{"a":1,"b":2}""", renderer.RenderLocation(Static("Dict")).Json);
        Assert.Equal(
            """{"ClientId":7,"NumCalls":17,"Mu":{"Lock":"…(depth System.Threading.SemaphoreSlim)","Processing":true,"LastBackgroundServiceStart":1700000000000000000}}""",
            renderer.RenderLocation(Static("Client")).Json);
    }

    [Fact]
    public void Field_paths_follow_fields_and_auto_properties()
    {
        Assert.True(Renderer.TryResolvePath("cs", Static("Client"), ["Mu", "Processing"], out ValueLocation? processing, out string? error), error);
        Assert.Equal("true", Renderer.RenderLocation(processing).Json);

        Assert.True(Renderer.TryResolvePath("cs", Static("Client"), ["ClientId"], out ValueLocation? id, out error), error);
        Assert.Equal("7", Renderer.RenderLocation(id).Json);

        Assert.True(Renderer.TryResolvePath("p", Static("P"), ["Y"], out ValueLocation? y, out error), error);
        Assert.Equal("4", Renderer.RenderLocation(y).Json);

        Assert.True(Renderer.TryResolvePath("all", Static("All"), ["P", "X"], out ValueLocation? x, out error), error);
        Assert.Equal("3", Renderer.RenderLocation(x).Json);

        ValueLocation client = ValueLocation.OfObject(StaticObject("Client"));
        Assert.True(Renderer.TryResolvePath("client", client, ["Mu", "LastBackgroundServiceStart"], out ValueLocation? start, out error), error);
        Assert.Equal("1700000000000000000", Renderer.RenderLocation(start).Json);
        Assert.True(Renderer.TryResolvePath("client", client, [], out ValueLocation? same, out error), error);
        Assert.Equal(Renderer.RenderLocation(Static("Client")).Json, Renderer.RenderLocation(same).Json);
    }

    [Fact]
    public void Field_path_errors_say_what_is_there()
    {
        Assert.False(Renderer.TryResolvePath("cs", Static("Client"), ["Mu", "Procesing"], out _, out string? error));
        Assert.Equal("'Mu' has no field 'Procesing'; fields: Lock, Processing, LastBackgroundServiceStart", error);

        Assert.False(Renderer.TryResolvePath("cs", Static("Client"), ["ClientId", "Value"], out _, out error));
        Assert.Equal("'ClientId' is a System.Int32 and has no fields", error);

        Assert.False(Renderer.TryResolvePath("nothing", Static("Nothing"), ["Name"], out _, out error));
        Assert.Equal("'nothing' is null", error);

        Assert.False(Renderer.TryResolvePath("cs", Static("Client"), ["mu"], out _, out error));
        Assert.Equal("'cs' has no field 'mu'; fields: ClientId, NumCalls, Mu", error);
    }

    [Fact]
    public void A_struct_held_in_a_register_renders_from_its_bytes()
    {
        ClrType point = _target.Type("KnownValues.Point");
        byte[] bytes = [3, 0, 0, 0, 4, 0, 0, 0];

        RenderedValue value = Renderer.RenderLocation(point, null, null, bytes);

        Assert.Equal("""{"X":3,"Y":4}""", value.Json);
        Assert.Equal("""{"__addr":null,"__type":"KnownValues.Point","X":3,"Y":4}""", value.RawJson);
        Assert.True(Renderer.TryResolvePath("p", ValueLocation.InRegister(point, bytes), ["Y"], out ValueLocation? y, out string? error), error);
        Assert.Equal("4", Renderer.RenderLocation(y).Json);
    }

    [Fact]
    public void Declared_type_names_and_register_references_are_resolved()
    {
        ulong greeting = StaticObject("Greeting");

        Assert.Equal("\"hello\"", Renderer.RenderLocation(null, "string", null, BitConverter.GetBytes(greeting)).Json);
        Assert.Equal("42", Renderer.RenderLocation(null, "int", null, BitConverter.GetBytes(42)).Json);
        Assert.Equal("[1,2,3]", Renderer.RenderLocation(null, "System.Int32[]", null, BitConverter.GetBytes(StaticObject("Arr"))).Json);
        Assert.Equal("\"Green\"", Renderer.RenderLocation(null, "KnownValues.Color", null, BitConverter.GetBytes(2)).Json);
    }

    [Fact]
    public void Primitives_render_from_bytes()
    {
        Assert.Equal("42", Renderer.RenderPrimitive(ClrElementType.Int32, BitConverter.GetBytes(42)).Json);
        Assert.Equal("System.Int32", Renderer.RenderPrimitive(ClrElementType.Int32, BitConverter.GetBytes(42)).TypeName);
        Assert.Equal("-1", Renderer.RenderPrimitive(ClrElementType.Int64, BitConverter.GetBytes(-1L)).Json);
        Assert.Equal("true", Renderer.RenderPrimitive(ClrElementType.Boolean, [1]).Json);
        Assert.Equal("0.25", Renderer.RenderPrimitive(ClrElementType.Double, BitConverter.GetBytes(0.25)).Json);
        Assert.Equal("\"NaN\"", Renderer.RenderPrimitive(ClrElementType.Double, BitConverter.GetBytes(double.NaN)).Json);
        Assert.Equal("\"A\"", Renderer.RenderPrimitive(ClrElementType.Char, BitConverter.GetBytes('A')).Json);
        Assert.Equal("\"0x10\"", Renderer.RenderPrimitive(ClrElementType.Pointer, BitConverter.GetBytes(16UL)).Json);
        Assert.False(Renderer.RenderPrimitive(ClrElementType.Int32, [1, 2]).IsAvailable);
    }

    [Fact]
    public void Unreadable_values_are_null_with_a_reason_never_an_exception()
    {
        RenderedValue garbage = Renderer.RenderObject(0x10);
        Assert.False(garbage.IsAvailable);
        Assert.Equal("null", garbage.Json);
        Assert.Contains("not a valid object", garbage.Unavailable);

        RenderedValue unmapped = Renderer.RenderLocation(_target.Type("KnownValues.Point"), null, 0x8, null);
        Assert.False(unmapped.IsAvailable);
        Assert.Contains("unreadable memory", unmapped.Unavailable);

        RenderedValue optimizedAway = Renderer.RenderLocation(null, "int", null, null);
        Assert.Equal("no live location (optimized away)", optimizedAway.Unavailable);

        RenderedValue unknownType = Renderer.RenderLocation(null, "No.Such.Type", 0x1000, null);
        Assert.False(unknownType.IsAvailable);

        Assert.Equal("null", Renderer.RenderObject(0).Json); // null is a value, not a failure
        Assert.True(Renderer.RenderObject(0).IsAvailable);
    }

    [Fact]
    public void Async_state_machines_list_parameters_and_hoisted_locals_by_their_source_names()
    {
        List<StateMachineVariables> waits = _target.Boxes
            .Where(b => b.Type!.Name!.Contains("AsyncHolder+<WaitAsync>", StringComparison.Ordinal))
            .Select(b => Read(b.Address))
            .OrderBy(m => Renderer.RenderLocation(m.Find("jobId")!.Location).Json)
            .ToList();

        Assert.Equal(3, waits.Count);
        string[] tags = ["\"one\"", "\"two\"", "\"three\""];
        for (int i = 0; i < waits.Count; i++)
        {
            StateMachineVariables machine = waits[i];
            Assert.Equal("KnownValues.AsyncHolder.WaitAsync", machine.MethodName);
            Assert.Equal(0, machine.State);
            Assert.Equal(_target.Configuration == "Debug", machine.StateMachineObject is not null);
            Assert.Equal(["jobId", "tag", .. Locals.Select(l => l.Name)], machine.Variables.Select(v => v.Name));
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Renderer.RenderLocation(machine.Find("jobId")!.Location).Json);
            Assert.Equal(tags[i], Renderer.RenderLocation(machine.Find("tag")!.Location).Json);
            Assert.Equal(AsyncVariableKind.Parameter, machine.Find("tag")!.Kind);
            foreach ((string name, string json) in Locals)
            {
                AsyncVariable variable = machine.Find(name)!;
                Assert.Equal(AsyncVariableKind.Local, variable.Kind);
                Assert.Equal(json, Renderer.RenderLocation(variable.Location).Json);
            }
        }
    }

    [Fact]
    public void Async_this_void_and_value_task_methods_are_read_too()
    {
        StateMachineVariables run = Read(_target.Boxes.Single(b => b.Type!.Name!.Contains("<RunAsync>", StringComparison.Ordinal)).Address);
        Assert.Equal("KnownValues.Worker.RunAsync", run.MethodName);
        Assert.Equal(["this", "round", "answer"], run.Variables.Select(v => v.Name));
        Assert.Equal(AsyncVariableKind.This, run.Variables[0].Kind);
        Assert.Equal("""{"Name":"worker-1"}""", Renderer.RenderLocation(run.Find("this")!.Location).Json);
        Assert.Equal("5", Renderer.RenderLocation(run.Find("round")!.Location).Json);

        StateMachineVariables fire = Read(_target.Boxes.Single(b => b.Type!.Name!.Contains("<FireAndForget>", StringComparison.Ordinal)).Address);
        Assert.Equal("\"void-op\"", Renderer.RenderLocation(fire.Find("label")!.Location).Json);
        Assert.Equal("42", Renderer.RenderLocation(fire.Find("answer")!.Location).Json);
        Assert.DoesNotContain(fire.Variables, v => v.FieldName.StartsWith("<>", StringComparison.Ordinal));
    }

    [Fact]
    public void Not_a_box_is_an_error_not_an_exception()
    {
        Assert.False(StateMachineVariables.TryRead(_target.Runtime, StaticObject("Greeting"), out _, out string? error));
        Assert.Contains("not an async state machine box", error);
        Assert.False(StateMachineVariables.TryRead(_target.Runtime, 0x10, out _, out error));
    }

    [Fact]
    public void Render_cost_per_variable()
    {
        string[] fields = ["Answer", "Big", "Flag", "Ratio", "Greeting", "P", "Cycle", "LongText", "Many", "Color", "Price", "When", "Id", "Span", "Dict", "Arr", "Nothing"];
        List<ValueLocation> locations = fields.Select(Static).ToList();

        var cold = Stopwatch.StartNew();
        var fresh = new ValueRenderer(_target.Runtime, CaptureLimits.Default);
        foreach (ValueLocation location in locations)
            Assert.True(fresh.RenderLocation(location).IsAvailable);
        cold.Stop();

        const int rounds = 20;
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < rounds; i++)
        {
            foreach (ValueLocation location in locations)
                fresh.RenderLocation(location);
        }

        warm.Stop();
        double coldPer = cold.Elapsed.TotalMilliseconds / locations.Count;
        double warmPer = warm.Elapsed.TotalMilliseconds / (rounds * locations.Count);
        _output.WriteLine($"{_target.Configuration}: {locations.Count} variables, first render {coldPer:F3} ms/variable (fresh renderer), cached {warmPer:F3} ms/variable");
        Assert.True(coldPer < 100, $"{coldPer} ms per variable");
    }

    private StateMachineVariables Read(ulong box)
    {
        Assert.True(StateMachineVariables.TryRead(_target.Runtime, box, out StateMachineVariables? machine, out string? error), error);
        return machine;
    }

    /// <summary>
    /// Where a static field of KnownValues.Statics lives, as a slot: primitives and references in place; a struct
    /// static is stored boxed (the static holds the box), so its slot is the box's contents.
    /// </summary>
    [Fact]
    public void Per_type_limits_from_the_spec_apply_to_their_type_only()
    {
        SpecParseResult parsed = SpecLoader.Parse("""
            limits:
              max_collection_items: 2
              types:
                System.String: { max_string_bytes: 3 }
                System.Collections.Generic.List: { max_collection_items: 5 }
                KnownValues.ClientState: { max_depth: 1 }
            """);
        Assert.True(parsed.Success, string.Join("\n", parsed.Diagnostics));
        var renderer = new ValueRenderer(_target.Runtime, parsed.Spec!.Compile().Plan);

        Assert.Equal("\"xxx…(5000 chars, cut)\"", renderer.RenderLocation(Static("LongText")).Json);
        Assert.Equal("[0,1,2,3,4,\"…(1000 items)\"]", renderer.RenderLocation(Static("Many")).Json);
        Assert.Equal("[1,2,\"…(3 items)\"]", renderer.RenderLocation(Static("Arr")).Json); // arrays keep the spec-wide limit
        // ClientState's own depth budget: its fields, and its fields' fields as references.
        using JsonDocument client = JsonDocument.Parse(renderer.RenderLocation(Static("Client")).Json);
        Assert.Equal(7, client.RootElement.GetProperty("ClientId").GetInt32());
        Assert.Equal(JsonValueKind.String, client.RootElement.GetProperty("Mu").GetProperty("Lock").ValueKind);
    }

    /// <summary>The static field <paramref name="field"/> of KnownValues.Statics renders as <paramref name="json"/>.</summary>
    private void AssertRenders(string field, string json)
    {
        RenderedValue value = Renderer.RenderLocation(Static(field));
        Assert.True(value.IsAvailable, value.Unavailable);
        Assert.Equal(json, value.Json);
    }

    private ValueLocation Static(string name)
    {
        ClrStaticField field = _target.Statics.GetStaticFieldByName(name) ?? throw new InvalidOperationException($"no static {name}");
        ulong address = field.GetAddress(_target.Runtime.AppDomains[0]);
        if (field.ElementType != ClrElementType.Struct)
            return ValueLocation.InMemory(field.Type, address, field.ElementType);
        Assert.True(_target.Runtime.DataTarget.DataReader.ReadPointer(address, out ulong box));
        return ValueLocation.InMemory(field.Type, box + (ulong)IntPtr.Size, field.ElementType);
    }

    private ulong StaticObject(string name)
    {
        ClrStaticField field = _target.Statics.GetStaticFieldByName(name)!;
        Assert.True(_target.Runtime.DataTarget.DataReader.ReadPointer(field.GetAddress(_target.Runtime.AppDomains[0]), out ulong obj));
        return obj;
    }

    private static string Hex(ulong address) => "0x" + address.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
}
