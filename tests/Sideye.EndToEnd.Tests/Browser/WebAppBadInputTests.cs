using System.Text.Json;
using Microsoft.Playwright;

namespace Sideye.EndToEnd.Tests.Browser;

/// <summary>
/// Bad input in the web app, in a real Chromium against `./sideye serve`: a rejected spec, a capture whose process is
/// gone, a snapshot deleted while open. (Bad SQL in the console: see the session note; typing into the SQL editor froze
/// Chromium's page in this suite after the spec test, and passed alone.) Each shows the server's own message and leaves the app usable.
/// Snapshots come from `sideye generate` (no live target needed but the one whose capture fails).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebAppBadInputTests(GeneratedSnapshotServer fx) : IClassFixture<GeneratedSnapshotServer>
{
    private const string Error = "[data-testid=error]";

    [Fact]
    public async Task A_rejected_spec_shows_the_compilers_diagnostic_at_its_line_and_changes_nothing()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        int before = (await fx.Server.Api.GetJsonAsync("/api/spec")).GetProperty("version").GetInt32();
        await page.GotoAsync(fx.Url("#/spec"));
        await Assertions.Expect(page.Locator(".cm-content")).ToContainTextAsync("Shop.Orders.OrderService.HandleAsync");

        // A misspelled key on line 3: the live check underlines it and lists it with its line and column.
        await ReplaceEditorTextAsync(page, "functions:\n  - function: Shop.Orders.OrderService.HandleAsync\n    captur: [request]\n");
        ILocator diagnostic = page.Locator("[data-testid=diagnostics] li.error").First;
        await Assertions.Expect(diagnostic).ToContainTextAsync("line 3, column 5");
        await Assertions.Expect(diagnostic).ToContainTextAsync("captur");
        await Assertions.Expect(page.Locator("[data-testid=spec-status]")).ToHaveTextAsync("1 error");

        await page.ClickAsync("[data-testid=save-spec]");
        await Assertions.Expect(page.Locator(Error)).ToContainTextAsync("Invalid spec");
        await Assertions.Expect(page.Locator(Error)).ToContainTextAsync("'captur'");
        Assert.Equal(before, (await fx.Server.Api.GetJsonAsync("/api/spec")).GetProperty("version").GetInt32());

        // Still usable: the snapshot list opens and lists the snapshot.
        await page.ClickAsync("a.brand");
        await Assertions.Expect(page.Locator($"[data-snapshot='{fx.Kept}']")).ToHaveCountAsync(1);
        Assert.Empty(PageScriptErrors(browser));
    }

    [Fact]
    public async Task Bad_SQL_shows_the_servers_message_and_the_next_query_runs()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(fx.Url($"#/s/{fx.Kept}/sql"));
        await ReplaceEditorTextAsync(page, "SELECT no_such_column FROM stacks");
        await page.ClickAsync("[data-testid=run-sql]");
        await Assertions.Expect(page.Locator(Error)).ToContainTextAsync("no_such_column");
        string shown = await page.Locator(Error).InnerTextAsync();
        (int status, JsonElement truth) = await fx.Server.Api.PostJsonAsync($"/api/snapshots/{fx.Kept}/query", new { sql = "SELECT no_such_column FROM stacks" });
        Assert.Equal(400, status);
        Assert.Contains(truth.GetProperty("detail").GetString()!.Split('\n')[0], shown);

        // The same page answers the next, correct query with the server's count.
        await ReplaceEditorTextAsync(page, "SELECT count(*) AS n FROM stacks");
        await page.ClickAsync("[data-testid=run-sql]");
        long stacks = (await fx.Server.Api.QueryAsync(fx.Kept, "SELECT count(*) FROM stacks"))[0][0].GetInt64();
        await Assertions.Expect(page.Locator("[data-testid=sql-grid] td[data-column=n]")).ToHaveTextAsync(stacks.ToString());
        await Assertions.Expect(page.Locator(Error)).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_capture_whose_process_is_gone_shows_why_and_the_app_goes_on()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        int pid = DetachedTarget.Start(fx.TickerDll, Path.Combine(fx.WorkDir, "ticker.out"));
        try
        {
            await page.GotoAsync(fx.Url("#/"));
            await page.ClickAsync("[data-testid=capture-button]");
            ILocator box = page.GetByLabel($"Ticker (pid {pid})");
            await box.CheckAsync();
            DetachedTarget.Kill(pid);
            await WaitGoneAsync(pid);
            await page.ClickAsync("[data-testid=capture-go]");
            ILocator error = page.Locator(".capture-dialog " + Error);
            await Assertions.Expect(error).ToContainTextAsync("Snapshot not taken");
            await Assertions.Expect(error).ToContainTextAsync(pid.ToString());
        }
        finally
        {
            DetachedTarget.Kill(pid);
        }
        // Cancel closes the dialog; the app still navigates and answers.
        await page.ClickAsync(".capture-dialog button:text('Cancel')");
        await Assertions.Expect(page.Locator(".capture-dialog")).ToHaveCountAsync(0);
        await page.GotoAsync(fx.Url($"#/s/{fx.Kept}/tables"));
        await Assertions.Expect(page.Locator("[data-testid=table-link][data-table=stacks]")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_snapshot_deleted_while_open_says_so_and_offers_the_others()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        string doomed = fx.GenerateSnapshot(seed: 7);
        await fx.WaitListedAsync(doomed, listed: true);
        await page.GotoAsync(fx.Url($"#/s/{doomed}/stacks"));
        await Assertions.Expect(page.Locator("[data-testid=stack-group]").First).ToBeVisibleAsync();

        Directory.Delete(Path.Combine(fx.SnapshotsDir, doomed), recursive: true);
        await fx.WaitListedAsync(doomed, listed: false);
        await page.ClickAsync("nav.views a:text('Tables')");
        await Assertions.Expect(page.Locator(Error)).ToContainTextAsync("not found");
        await Assertions.Expect(page.Locator(Error)).ToContainTextAsync(doomed);

        await page.ClickAsync("a.brand");
        await page.ReloadAsync(); // the list as the server has it now
        await Assertions.Expect(page.Locator($"[data-snapshot='{fx.Kept}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"[data-snapshot='{doomed}']")).ToHaveCountAsync(0);
    }

    /// <summary>Types into the CodeMirror editor as a user does: select all, then the new text.</summary>
    internal static async Task ReplaceEditorTextAsync(IPage page, string text)
    {
        await page.ClickAsync(".cm-content");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");
        await page.Keyboard.InsertTextAsync(text);
    }

    /// <summary>Script errors of the app itself; Chromium also logs each failed request (the 400s these tests provoke).</summary>
    private static List<string> PageScriptErrors(BrowserSession browser) =>
        [.. browser.Errors.Where(e => !e.Contains("Failed to load resource", StringComparison.Ordinal))];

    private static async Task WaitGoneAsync(int pid)
    {
        for (int i = 0; i < 100 && Directory.Exists($"/proc/{pid}"); i++)
            await Task.Delay(50);
    }
}
