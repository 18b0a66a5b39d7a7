using System.Text.Json;
using Sideye.Tests.Shared;
using Xunit.Abstractions;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// The acceptance matrix for variable capture: every build of dumps/known-values (Debug, Release,
/// TieredCompilation=0), live and from a dump, captured through the whole path (spec, capture engine,
/// Parquet, query server). A value is the truth, or NULL with a reason: never a guess.
/// </summary>
[Collection(KnownValuesCollection.Name)]
public sealed class KnownValuesMatrixTests
{
    private const string Hold = "KnownValues.Holder.Hold";
    private const string WaitAsync = "KnownValues.AsyncHolder.WaitAsync";
    private const string RunAsync = "KnownValues.Worker.RunAsync";

    /// <summary>Columns of the spec beyond the plain locals, with their truth.</summary>
    private static readonly (string Column, string Json)[] Paths = [("p_x", "3"), ("second_name", "\"b\"")];

    private readonly KnownValuesFixture _kv;
    private readonly ITestOutputHelper _output;

    public KnownValuesMatrixTests(KnownValuesFixture kv, ITestOutputHelper output)
    {
        _kv = kv;
        _output = output;
    }

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (string build in KnownValuesFixture.BuildNames)
        {
            data.Add(build, "live");
            data.Add(build, "live-stop");
            data.Add(build, "dump");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Async_frames_capture_every_hoisted_local_and_argument_exactly(string build, string source)
    {
        List<Captured> rows = await CapturedAsync(build, source, WaitAsync);
        // Three suspended calls: WaitAsync(1, "one"), (2, "two"), (3, "three").
        Assert.Equal(3, rows.Select(r => r.StackId).Distinct().Count());
        foreach (var frame in rows.GroupBy(r => r.StackId))
        {
            Dictionary<string, Captured> byColumn = frame.ToDictionary(r => r.Column);
            int jobId = int.Parse(Available(byColumn["jobId"]));
            Assert.Equal($"\"{new[] { "one", "two", "three" }[jobId - 1]}\"", Available(byColumn["tag"]));
            foreach ((string name, string json) in KnownValuesTruth.Locals.Concat(Paths))
                Assert.Equal(json, Available(byColumn[name]));
        }

        Dictionary<string, Captured> worker = Assert.Single((await CapturedAsync(build, source, RunAsync)).GroupBy(r => r.StackId)).ToDictionary(r => r.Column);
        Assert.Equal("""{"Name":"worker-1"}""", Available(worker["this"]));
        Assert.Equal("\"worker-1\"", Available(worker["worker_name"]));
        Assert.Equal("5", Available(worker["round"]));
        Assert.Equal("42", Available(worker["answer"]));

        // A generic type's method: the spec names it without type arguments, the frame is Box<_>.WaitAsync.
        Dictionary<string, Captured> box = (await CapturedAsync(build, source, "KnownValues.Box.WaitAsync")).ToDictionary(r => r.Column);
        Assert.Equal("""{"Value":"boxed"}""", Available(box["this"]));
        Assert.Equal("3", Available(box["round"]));
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task The_thread_frame_captures_the_truth_or_null_with_a_reason(string build, string source)
    {
        List<Captured> rows = await CapturedAsync(build, source, Hold);
        Dictionary<string, Captured> byColumn = rows.ToDictionary(r => r.Column); // one frame: thread sync-holder
        var truth = KnownValuesTruth.Locals.Concat(Paths).Append(("count", "7")).Append(("name", "\"sync\""));
        int available = 0;
        foreach ((string column, string json) in truth)
        {
            Captured value = byColumn[column];
            if (value.Json is null)
            {
                Assert.False(string.IsNullOrWhiteSpace(value.Unavailable), $"{column} is NULL without a reason");
                _output.WriteLine($"{build}/{source} {column}: NULL ({value.Unavailable})");
                continue;
            }
            Assert.Equal(json, value.Json);
            Assert.Null(value.Unavailable);
            available++;
        }

        // Unoptimized code keeps every local in its stack slot: Debug, and Release at tier 0 (Hold runs once,
        // so it is never re-jitted). Only fully optimized code may lose values.
        if (build != "tc0")
            Assert.Equal(truth.Count(), available);
        // Fully optimized code may lose some values, not all: the frame's computed locals (the list, the dictionary, the
        // cycle) stay live across the sleep. Without this the loop above passes with nothing checked.
        Assert.True(available > 0, $"{build}/{source}: no value of the thread frame was read");
        _output.WriteLine($"{build}/{source}: {available} of {truth.Count()} values");
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task By_reference_arguments_and_a_struct_this_are_read_through_their_pointers(string build, string source)
    {
        // RefHolder.Hold(ref int counter, in Point origin) on a struct: the frame holds pointers into the caller's frame.
        Dictionary<string, Captured> byColumn = (await CapturedAsync(build, source, "KnownValues.RefHolder.Hold")).ToDictionary(r => r.Column);
        var truth = new[]
        {
            ("this", """{"Id":11,"Label":"ref-holder"}"""), ("label", "\"ref-holder\""),
            ("counter", "6"), ("origin", """{"X":-1,"Y":2}"""), ("origin_x", "-1"),
        };
        int read = 0;
        foreach ((string column, string json) in truth)
        {
            Captured value = byColumn[column];
            if (build == "tc0" && value.Json is null)
                Assert.False(string.IsNullOrWhiteSpace(value.Unavailable), $"{column} is NULL without a reason");
            else
            {
                Assert.Equal(json, Available(value));
                read++;
            }
        }
        Assert.True(read > 0, $"{build}/{source}: no value of the by-reference frame was read"); // else nothing was checked
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Async_methods_blocked_on_a_thread_are_captured_once_from_their_running_state_machine(string build, string source)
    {
        // Before its first await (state machine on the thread's stack in Release) and after one (resumed from
        // its box): one frame each, with parameters and hoisted locals from the state machine.
        foreach ((string method, string jobId, string tag) in new[] { ("BlockBeforeAwaitAsync", "8", "eight"), ("BlockAfterAwaitAsync", "9", "nine") })
        {
            List<Captured> rows = await CapturedAsync(build, source, "KnownValues.RunningAsync." + method);
            Dictionary<string, Captured> byColumn = rows.ToDictionary(r => r.Column); // throws on a second frame
            Assert.Equal(jobId, Available(byColumn["jobId"]));
            Assert.Equal($"\"{tag}\"", Available(byColumn["tag"]));
            Assert.Equal(jobId + "0", Available(byColumn["hoisted"]));
            // Not used after an await: a Debug build hoists it anyway; an optimized one keeps it a local of
            // MoveNext that the PDB leaves unnamed, which must then say so.
            Captured notHoisted = byColumn["notHoisted"];
            if (build == "debug")
                Assert.Equal($"\"{tag}-local\"", Available(notHoisted));
            else
                Assert.True(notHoisted.Json == $"\"{tag}-local\"" || notHoisted.Unavailable!.Contains("not hoisted", StringComparison.Ordinal), notHoisted.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Iterators_are_captured_and_an_async_iterator_continues_into_its_consumer(string build, string source)
    {
        // Lines(40, "line-") blocked in its MoveNext on thread iterator-holder: read from the iterator object.
        Dictionary<string, Captured> lines = (await CapturedAsync(build, source, "KnownValues.Iterators.Lines")).ToDictionary(r => r.Column);
        Assert.Equal("40", Available(lines["start"]));
        Assert.Equal("\"line-\"", Available(lines["tag"]));
        Assert.Equal("43", Available(lines["k"]));
        Assert.Equal("\"line-43\"", Available(lines["line"]));

        // Numbers(5, "stream") suspended at an await inside `await foreach` of ConsumeAsync(4): one logical stack,
        // the iterator innermost and its consumer one frame out (the link is the iterator's promise, not a Task).
        var rows = await _kv.Api.QueryAsync(_kv.SnapshotId(build, source),
            $"SELECT stack_id, depth, \"function\", \"column\", value FROM captured_values WHERE pid = {_kv.Pid(build)} " +
            "AND \"function\" IN ('KnownValues.Iterators.Numbers', 'KnownValues.Iterators.ConsumeAsync') ORDER BY depth, \"column\"");
        var cells = rows.Select(r => (Stack: r[0].GetInt64(), Depth: r[1].GetInt32(), Function: r[2].GetString()!, Column: r[3].GetString()!, Json: Text(r[4]))).ToList();
        Assert.Single(cells.Select(c => c.Stack).Distinct());
        Assert.Equal(
            [
                (0, "KnownValues.Iterators.Numbers", "count", "5"), (0, "KnownValues.Iterators.Numbers", "current", "\"stream2\""),
                (0, "KnownValues.Iterators.Numbers", "i", "2"), (0, "KnownValues.Iterators.Numbers", "label", "\"stream\""),
                (1, "KnownValues.Iterators.ConsumeAsync", "consumerId", "4"), (1, "KnownValues.Iterators.ConsumeAsync", "sum", "14"),
            ],
            cells.Select(c => (c.Depth, c.Function, c.Column, c.Json)).ToList());
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Local_functions_capture_their_own_variables_and_the_ones_they_captured(string build, string source)
    {
        // Inner(6) on thread local-function-holder: factor comes from Outer(5), through the closure passed by reference.
        Dictionary<string, Captured> inner = (await CapturedAsync(build, source, "KnownValues.LocalFunctions.Outer.Inner")).ToDictionary(r => r.Column);
        foreach ((string column, string json) in new[] { ("x", "6"), ("product", "60"), ("factor", "10") })
        {
            if (build == "tc0" && inner[column].Json is null)
                Assert.False(string.IsNullOrWhiteSpace(inner[column].Unavailable), $"{column} is NULL without a reason");
            else
                Assert.Equal(json, Available(inner[column]));
        }

        // LocalAsync(3) suspended: tag comes from OuterAsync("job"), through the closure its state machine holds.
        Dictionary<string, Captured> local = (await CapturedAsync(build, source, "KnownValues.LocalFunctions.OuterAsync.LocalAsync")).ToDictionary(r => r.Column);
        Assert.Equal("3", Available(local["count"]));
        Assert.Equal("\"job!3\"", Available(local["label"]));
        Assert.Equal("\"job!\"", Available(local["tag"]));
    }

    [Fact]
    public async Task Without_the_PDB_async_frames_keep_their_names_and_thread_locals_say_the_PDB_is_missing()
    {
        // State machine fields are named in metadata; a thread frame's argument names are too. Only the
        // locals of a thread frame need the PDB.
        List<Captured> waits = await CapturedAsync(KnownValuesFixture.NoPdb, "live", WaitAsync);
        foreach ((string name, string json) in KnownValuesTruth.Locals)
            Assert.All(waits.Where(r => r.Column == name), r => Assert.Equal(json, Available(r)));

        Dictionary<string, Captured> hold = (await CapturedAsync(KnownValuesFixture.NoPdb, "live", Hold)).ToDictionary(r => r.Column);
        Assert.Equal("7", Available(hold["count"]));
        Assert.Equal("\"sync\"", Available(hold["name"]));
        foreach ((string name, _) in KnownValuesTruth.Locals)
        {
            Assert.Null(hold[name].Json);
            Assert.Contains("PDB of KnownValues.dll", hold[name].Unavailable, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task A_methods_variables_are_recorded_in_both_pause_modes_and_from_a_dump(string build, string source)
    {
        string id = _kv.SnapshotId(build, source);
        var rows = await _kv.Api.QueryAsync(id,
            $"SELECT name, type, kind, storage, hoisted FROM method_variables WHERE pid = {_kv.Pid(build)} AND method = '{Hold}' ORDER BY position");
        Dictionary<string, string> byName = rows.ToDictionary(r => r[0].GetString()!, r => string.Join("|", r.Skip(1)));
        Assert.Equal(["count", "name"], rows.Take(2).Select(r => r[0].GetString())); // static: no this
        Assert.Equal("int|parameter|frame|", byName["count"]);
        Assert.Equal("System.DateTime|local|frame|", byName["when"]);
        Assert.Equal("System.Collections.Generic.Dictionary<string, int>|local|frame|", byName["dict"]);
        Assert.Equal(0, await _kv.Api.ScalarAsync(id, "SELECT count(*) FROM processes WHERE warnings LIKE '%method_variables%'"));
        if (source != "dump") // the build without its PDB has no method to describe (and no warning for it)
            Assert.Equal(0, await _kv.Api.ScalarAsync(id, $"SELECT count(*) FROM method_variables WHERE pid = {_kv.Pid(KnownValuesFixture.NoPdb)}"));
    }

    [Theory]
    [InlineData("debug")]
    [InlineData("release")]
    [InlineData("tc0")]
    public async Task A_dump_captures_what_the_live_process_showed(string build)
    {
        // The target sleeps between the two captures: the same frames must give the same values and reasons.
        const string sql = "SELECT \"function\", \"column\", value, unavailable FROM captured_values WHERE pid = {0} ORDER BY ALL";
        var live = await _kv.Api.QueryAsync(_kv.SnapshotId(build, "live"), string.Format(sql, _kv.Pid(build)));
        var dump = await _kv.Api.QueryAsync(_kv.SnapshotId(build, "dump"), string.Format(sql, _kv.Pid(build)));
        Assert.Equal(21 + (3 * 21) + 4 + 4 + 4 + 3 + 5 + 4 + 4 + 2 + 3 + 3, live.Count); // dumps/known-values/sideye.yaml: Hold 21 columns, WaitAsync 3 frames x 21, RunAsync 4, two RunningAsync 4 each, Box 3, RefHolder 5, Lines 4, Numbers 4, ConsumeAsync 2, Inner 3, LocalAsync 3
        Assert.Equal(live.Select(r => string.Join("|", r)), dump.Select(r => string.Join("|", r)));
    }

    [Fact]
    public async Task A_clone_snapshot_equals_a_stop_snapshot_of_the_same_quiet_targets()
    {
        // The targets' own threads and async calls are parked: cloned and stopped, the same stacks and values must come out.
        // Only those: the runtime's own threads (thread pool workers, timers) are not quiet and may be in another wait a
        // second later (one CI run in about twenty caught a pool worker between two waits).
        const string stacks = "SELECT s.pid, s.kind, s.awaiting, string_agg(f.method || ':' || coalesce(CAST(f.line AS VARCHAR), '?'), ' <- ' ORDER BY f.depth) AS frames FROM stacks s JOIN frames f USING (stack_id) GROUP BY s.stack_id, s.pid, s.kind, s.awaiting HAVING bool_or(f.method LIKE 'KnownValues.%') ORDER BY ALL";
        const string values = "SELECT pid, \"function\", \"column\", value, unavailable FROM captured_values ORDER BY ALL";
        var cloneStacks = await _kv.Api.QueryAsync(_kv.LiveId, stacks);
        var stopStacks = await _kv.Api.QueryAsync(_kv.LiveStopId, stacks);
        Assert.True(cloneStacks.Count > 4 * 5, $"only {cloneStacks.Count} stacks of the targets' own code");
        Assert.Equal(stopStacks.Select(r => string.Join("|", r)), cloneStacks.Select(r => string.Join("|", r)));
        var cloneValues = await _kv.Api.QueryAsync(_kv.LiveId, values);
        var stopValues = await _kv.Api.QueryAsync(_kv.LiveStopId, values);
        Assert.True(cloneValues.Count(r => r[4].ValueKind == JsonValueKind.Null) > 4 * 50, "too few values were available");
        Assert.Equal(stopValues.Select(r => string.Join("|", r)), cloneValues.Select(r => string.Join("|", r)));

        var modes = await _kv.Api.QueryAsync(_kv.LiveId, "SELECT DISTINCT pause_mode FROM processes");
        Assert.Equal("clone", Assert.Single(Assert.Single(modes)).GetString());
    }

    private async Task<List<Captured>> CapturedAsync(string build, string source, string function)
    {
        var rows = await _kv.Api.QueryAsync(_kv.SnapshotId(build, source),
            $"SELECT stack_id, \"column\", value, unavailable FROM captured_values WHERE pid = {_kv.Pid(build)} AND \"function\" = '{function}'");
        Assert.NotEmpty(rows);
        return rows.Select(r => new Captured(r[0].GetInt64(), r[1].GetString()!, Text(r[2]), r[3].ValueKind == JsonValueKind.Null ? null : r[3].GetString())).ToList();
    }

    /// <summary>A captured value's JSON text as stored (the server returns JSON columns as strings or inline JSON).</summary>
    private static string? Text(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => cell.GetString(),
        _ => cell.GetRawText(),
    };

    private static string Available(Captured value)
    {
        Assert.True(value.Json is not null, $"{value.Column} is NULL: {value.Unavailable}");
        return value.Json!;
    }

    private sealed record Captured(long StackId, string Column, string? Json, string? Unavailable);
}
