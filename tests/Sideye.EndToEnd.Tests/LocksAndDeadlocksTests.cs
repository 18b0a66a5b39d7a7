using System.Globalization;
using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>
/// dumps/deadlock, live and from a dump: the built-in <c>locks</c>, <c>lock_waiters</c>, <c>deadlocks</c> and
/// <c>stack_links</c> name the threads, stacks and lock objects the program really used. The truth is the program's
/// own variables, captured by its spec (dumps/deadlock/sideye.yaml): which Account or Ledger each thread holds
/// (<c>from</c>, <c>first</c>) and wants (<c>to</c>, <c>second</c>), by address. The same program with <c>--quiet</c>
/// contends for nothing: its tables are empty.
/// </summary>
public sealed class LocksAndDeadlocksTests : IClassFixture<LocksAndDeadlocksTests.Fixture>
{
    private readonly Fixture _f;

    public LocksAndDeadlocksTests(Fixture fixture) => _f = fixture;

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task A_monitor_deadlock_names_both_threads_and_the_account_each_holds_and_wants(string source)
    {
        string id = _f.SnapshotIds[source];
        long a = await StackOfThread(id, "worker-a"), b = await StackOfThread(id, "worker-b");
        long aHolds = await Address(id, a, "from"), aWants = await Address(id, a, "to");
        long bHolds = await Address(id, b, "from"), bWants = await Address(id, b, "to");
        Assert.Equal(aHolds, bWants);
        Assert.Equal(bHolds, aWants);

        await AssertOwner(id, aHolds, "monitor", "Deadlock.Account", a, await ManagedId(id, a));
        await AssertOwner(id, bHolds, "monitor", "Deadlock.Account", b, await ManagedId(id, b));
        await AssertCycle(id, [(a, aWants, b), (b, bWants, a)], "monitor on Deadlock.Account");
        await AssertWaitLink(id, a, b, aWants);
        await AssertWaitLink(id, b, a, bWants);
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task A_Lock_deadlock_names_both_threads_and_the_gate_each_holds_and_wants(string source)
    {
        string id = _f.SnapshotIds[source];
        long a = await StackOfThread(id, "ledger-a"), b = await StackOfThread(id, "ledger-b");
        long aHolds = await Address(id, a, "first", "$.Gate.__addr"), aWants = await Address(id, a, "second", "$.Gate.__addr");
        long bHolds = await Address(id, b, "first", "$.Gate.__addr"), bWants = await Address(id, b, "second", "$.Gate.__addr");
        Assert.Equal(aHolds, bWants);

        // System.Threading.Lock records its owner by thread id (the OS one up to .NET 10): the row names both ids.
        await AssertOwner(id, aHolds, "lock", "System.Threading.Lock", a, await ManagedId(id, a));
        await AssertOwner(id, bHolds, "lock", "System.Threading.Lock", b, await ManagedId(id, b));
        await AssertCycle(id, [(a, aWants, b), (b, bWants, a)], "System.Threading.Lock");
        await AssertWaitLink(id, a, b, aWants);
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task A_semaphore_lists_its_async_and_thread_waiters_and_says_it_records_no_owner(string source)
    {
        string id = _f.SnapshotIds[source];
        List<JsonElement> row = Assert.Single(await _f.Server.Api.QueryAsync(id,
            "SELECT lock_address, owner_stack_id, owner_note, current_count, max_count, waiter_count FROM locks WHERE kind = 'semaphore-slim'"));
        long semaphore = row[0].GetInt64();
        Assert.Equal(JsonValueKind.Null, row[1].ValueKind); // never a guess
        Assert.StartsWith("owner not recorded", row[2].GetString());
        Assert.Equal(0, row[3].GetInt32());
        Assert.Equal(1, row[4].GetInt32());
        Assert.Equal(3, row[5].GetInt32());

        // The two UseAsync calls (their captured ids 1 and 2) wait asynchronously; thread sem-waiter in Wait.
        List<List<JsonElement>> waiters = await _f.Server.Api.QueryAsync(id, $"""
            SELECT w.mode, coalesce(s.thread_name, 'UseAsync(' || v.value || ')')
            FROM lock_waiters w JOIN stacks s USING (stack_id)
            LEFT JOIN captured_values v ON v.stack_id = w.stack_id AND v."function" = 'Deadlock.SemaphoreQueue.UseAsync' AND v."column" = 'id'
            WHERE w.lock_address = {semaphore} ORDER BY 2
            """);
        Assert.Equal(new[] { "wait sem-waiter", "wait-async UseAsync(1)", "wait-async UseAsync(2)" },
            waiters.Select(w => $"{w[0].GetString()} {w[1].GetString()}").Order(StringComparer.Ordinal));
        Assert.Equal(0, await _f.Server.Api.ScalarAsync(id, $"SELECT count(*) FROM stack_links WHERE via_addr = {semaphore}"));
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task A_reader_waits_for_the_thread_holding_the_write_lock(string source)
    {
        string id = _f.SnapshotIds[source];
        long writer = await StackOfThread(id, "catalog-writer"), reader = await StackOfThread(id, "catalog-reader");
        List<JsonElement> row = Assert.Single(await _f.Server.Api.QueryAsync(id,
            "SELECT lock_address, owner_stack_id, owner_managed_thread_id, owner_note FROM locks WHERE kind = 'reader-writer-lock-slim'"));
        Assert.Equal(writer, row[1].GetInt64());
        Assert.Equal(await ManagedId(id, writer), row[2].GetInt32());
        Assert.Equal("held for writing", row[3].GetString());
        Assert.Equal("read", (await _f.Server.Api.QueryAsync(id, $"SELECT mode FROM lock_waiters WHERE stack_id = {reader} AND lock_address = {row[0].GetInt64()}")).Single()[0].GetString());
        await AssertWaitLink(id, reader, writer, row[0].GetInt64());
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task Two_async_methods_awaiting_each_other_are_a_cycle_of_two_stacks(string source)
    {
        string id = _f.SnapshotIds[source];
        (long pay, long payBox) = await AsyncFrame(id, "Deadlock.AsyncCycle.PayAsync");
        (long refund, long refundBox) = await AsyncFrame(id, "Deadlock.AsyncCycle.RefundAsync");
        Assert.NotEqual(pay, refund);
        await AssertCycle(id, [(pay, refundBox, refund), (refund, payBox, pay)], "the task of Deadlock.AsyncCycle.");
        Assert.Equal(2, await _f.Server.Api.ScalarAsync(id,
            $"SELECT count(*) FROM stack_links WHERE kind = 'awaits' AND ((from_stack_id, to_stack_id, via_addr) IN (({pay}, {refund}, {refundBox}), ({refund}, {pay}, {payBox})))"));
    }

    [Theory]
    [InlineData("live")]
    [InlineData("dump")]
    public async Task Only_the_three_real_cycles_are_deadlocks(string source)
    {
        // The semaphore and the reader-writer lock are waits, not cycles: three deadlocks of two stacks each.
        List<List<JsonElement>> cycles = await _f.Server.Api.QueryAsync(_f.SnapshotIds[source],
            "SELECT deadlock_id, count(*), count(DISTINCT stack_id) FROM deadlocks GROUP BY deadlock_id ORDER BY deadlock_id");
        Assert.Equal(3, cycles.Count);
        Assert.All(cycles, c => Assert.Equal((2, 2), (c[1].GetInt32(), c[2].GetInt32())));
    }

    [Fact]
    public async Task A_delay_s_wait_starts_when_the_program_started_it_from_its_timer()
    {
        List<JsonElement> row = Assert.Single(await _f.Server.Api.QueryAsync(_f.SnapshotIds["live"],
            "SELECT epoch_ms(s.waiting_since), s.wait_source, s.wait_ms, s.awaiting FROM stacks s JOIN frames f USING (stack_id) WHERE f.method = 'Deadlock.Nap.TakeAsync'"));
        Assert.Equal("Task.Delay", row[3].GetString());
        Assert.True(row[0].ValueKind == JsonValueKind.Number, "the nap has a wait start: " + string.Join(", ", row));
        Assert.InRange(row[0].GetInt64() - _f.NapStartUnixMs, -100, 100); // the program's own clock, read just before Task.Delay
        Assert.StartsWith("Task.Delay start", row[1].GetString());
        Assert.True(row[2].GetDouble() >= 300, "the snapshot was taken after READY, 300 ms after the nap began"); // Program.cs sleeps 300 ms before READY
    }

    [Fact]
    public async Task A_dump_has_no_clock_for_a_delay_so_its_wait_stays_unknown()
    {
        List<JsonElement> row = Assert.Single(await _f.Server.Api.QueryAsync(_f.SnapshotIds["dump"],
            "SELECT s.waiting_since, s.wait_source, s.awaiting FROM stacks s JOIN frames f USING (stack_id) WHERE f.method = 'Deadlock.Nap.TakeAsync'"));
        Assert.Equal("Task.Delay", row[2].GetString());
        Assert.Equal(JsonValueKind.Null, row[0].ValueKind);
        Assert.Equal(JsonValueKind.Null, row[1].ValueKind);
    }

    [Fact]
    public async Task An_uncontended_process_has_no_locks_waiters_or_deadlocks()
    {
        string id = _f.SnapshotIds["quiet"];
        Assert.Equal(1, await _f.Server.Api.ScalarAsync(id, "SELECT count(*) FROM stacks WHERE thread_name = 'idle'")); // the snapshot is of it
        foreach (string table in new[] { "locks", "lock_waiters", "deadlocks", "stack_links" })
            Assert.Equal(0, await _f.Server.Api.ScalarAsync(id, $"SELECT count(*) FROM {table}"));
    }

    private async Task<long> StackOfThread(string id, string threadName) =>
        await _f.Server.Api.ScalarAsync(id, $"SELECT stack_id FROM stacks WHERE thread_name = '{threadName}'");

    private async Task<int> ManagedId(string id, long stack) =>
        (int)await _f.Server.Api.ScalarAsync(id, $"SELECT managed_thread_id FROM stacks WHERE stack_id = {stack}");

    /// <summary>The address of a captured variable (or of an object inside it), from its raw form.</summary>
    private async Task<long> Address(string id, long stack, string column, string path = "$.__addr")
    {
        List<JsonElement> row = Assert.Single(await _f.Server.Api.QueryAsync(id,
            $"SELECT json_extract_string(raw_value, '{path}') FROM captured_values WHERE stack_id = {stack} AND \"column\" = '{column}'"));
        string hex = row[0].GetString() ?? throw new Xunit.Sdk.XunitException($"{column} of stack {stack} has no address");
        return long.Parse(hex[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private async Task<(long Stack, long Box)> AsyncFrame(string id, string method)
    {
        List<JsonElement> row = Assert.Single(await _f.Server.Api.QueryAsync(id,
            $"SELECT stack_id, object_address FROM frames WHERE method = '{method}' AND kind = 'async'"));
        return (row[0].GetInt64(), row[1].GetInt64());
    }

    private async Task AssertOwner(string id, long lockAddress, string kind, string type, long ownerStack, int ownerManagedId)
    {
        List<JsonElement> row = Assert.Single(await _f.Server.Api.QueryAsync(id,
            $"SELECT kind, object_type, owner_stack_id, owner_managed_thread_id, recursion, waiter_count, owner_os_thread_id = (SELECT os_thread_id FROM stacks WHERE stack_id = {ownerStack}) FROM locks WHERE lock_address = {lockAddress}"));
        Assert.Equal(kind, row[0].GetString());
        Assert.Equal(type, row[1].GetString());
        Assert.Equal(ownerStack, row[2].GetInt64());
        Assert.Equal(ownerManagedId, row[3].GetInt32());
        Assert.Equal(1, row[4].GetInt32());
        Assert.Equal(1, row[5].GetInt32());
        Assert.True(row[6].GetBoolean(), "the owner's OS thread id is its stack's");
    }

    /// <summary>One deadlock whose rows are exactly these edges (stack, the lock or task it waits for, the stack holding it).</summary>
    private async Task AssertCycle(string id, (long Stack, long WaitsFor, long HeldBy)[] edges, string waitsForPrefix)
    {
        string stacks = string.Join(", ", edges.Select(e => e.Stack));
        List<List<JsonElement>> rows = await _f.Server.Api.QueryAsync(id,
            $"SELECT deadlock_id, stack_id, waits_for_address, held_by_stack_id, waits_for, description FROM deadlocks WHERE deadlock_id IN (SELECT deadlock_id FROM deadlocks WHERE stack_id IN ({stacks})) ORDER BY position");
        Assert.Single(rows.Select(r => r[0].GetInt32()).Distinct());
        Assert.Equal(edges.OrderBy(e => e.Stack), rows.Select(r => (r[1].GetInt64(), r[2].GetInt64(), r[3].GetInt64())).OrderBy(e => e.Item1));
        Assert.All(rows, r => Assert.StartsWith(waitsForPrefix, r[4].GetString()));
        Assert.All(rows, r => Assert.Contains(" waits for ", r[5].GetString()));
    }

    private async Task AssertWaitLink(string id, long waiter, long owner, long lockAddress) =>
        Assert.Equal(1, await _f.Server.Api.ScalarAsync(id,
            $"SELECT count(*) FROM stack_links WHERE kind = 'waits-for-lock' AND from_stack_id = {waiter} AND to_stack_id = {owner} AND via_addr = {lockAddress}"));

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly List<int> _pids = [];

        public string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "sideye-deadlock-" + Guid.NewGuid().ToString("N")[..8]);
        public Dictionary<string, string> SnapshotIds { get; } = [];
        public QueryServerProcess Server { get; private set; } = null!;
        public long NapStartUnixMs { get; private set; }

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(WorkDir);
            string bin = Path.Combine(WorkDir, "bin");
            string project = Path.Combine(Repo.Root, "dumps/deadlock");
            Repo.BuildTarget(project, "Deadlock.csproj", bin);
            string dll = Path.Combine(bin, "Deadlock.dll");
            int stuck = DetachedTarget.Start(dll, Path.Combine(WorkDir, "deadlock.out"));
            _pids.Add(stuck);
            NapStartUnixMs = long.Parse(File.ReadLines(Path.Combine(WorkDir, "deadlock.out")).Single(l => l.StartsWith("NAP-START ", StringComparison.Ordinal))["NAP-START ".Length..], CultureInfo.InvariantCulture);
            int quiet = DetachedTarget.Start(dll, Path.Combine(WorkDir, "quiet.out"), arguments: "--quiet");
            _pids.Add(quiet);

            string spec = Path.Combine(WorkDir, "sideye.yaml");
            File.Copy(Path.Combine(project, "sideye.yaml"), spec);
            string snapshots = Path.Combine(WorkDir, "snapshots");
            SnapshotIds["live"] = Snap("--pid", stuck.ToString(CultureInfo.InvariantCulture));
            SnapshotIds["quiet"] = Snap("--pid", quiet.ToString(CultureInfo.InvariantCulture));
            string dump = Path.Combine(WorkDir, "deadlock.core");
            RunResult collect = Repo.DotnetDump(["collect", "-p", stuck.ToString(CultureInfo.InvariantCulture), "--type", "Full", "-o", dump]);
            Assert.True(collect.ExitCode == 0, "collect: " + collect);
            SnapshotIds["dump"] = Snap("--dump", dump);
            File.Delete(dump);
            Server = await QueryServerProcess.StartAsync(snapshots, spec, Path.Combine(WorkDir, "serve.log"), 3);

            string Snap(string option, string target)
            {
                RunResult snap = Repo.Sideye("snap", option, target, "--spec", spec, "--out", snapshots);
                Assert.True(snap.ExitCode == 0, "snap: " + snap);
                Assert.DoesNotContain("not recognized", snap.Stdout + snap.Stderr); // as in "built-in locks: not recognized (...)"
                return Path.GetFileName(snap.LastLine);
            }
        }

        public Task DisposeAsync()
        {
            Server?.Dispose();
            foreach (int pid in _pids)
                DetachedTarget.Kill(pid);
            Repo.DeleteWorkDir(WorkDir);
            return Task.CompletedTask;
        }
    }
}
