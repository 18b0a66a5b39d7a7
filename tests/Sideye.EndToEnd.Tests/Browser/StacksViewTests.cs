using System.Text.Json;
using Microsoft.Playwright;

namespace Sideye.EndToEnd.Tests.Browser;

/// <summary>
/// The stacks view over more groups than it paints at once (a generated snapshot), in a real Chromium: the first
/// groups at once, more as the list's end scrolls into view, all of them on "show all", in the server's order.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StacksViewTests(GeneratedSnapshotServer fx) : IClassFixture<GeneratedSnapshotServer>
{
    private const int FirstGroups = 40; // StacksPage.tsx's firstGroups

    [Fact]
    public async Task Groups_are_painted_as_they_scroll_into_view_and_all_on_show_all()
    {
        JsonElement groups = await fx.Server.Api.GetJsonAsync($"/api/snapshots/{fx.Kept}/stacks");
        string[] keys = [.. groups.EnumerateArray().Select(g => g.GetProperty("key").GetString()!)];
        Assert.True(keys.Length > FirstGroups * 2, $"the generated snapshot has {keys.Length} groups: too few to test paging");

        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await browser.StepsAsync("stacks-paging", async () =>
        {
            await page.GotoAsync(fx.Url($"#/s/{fx.Kept}/stacks"));
            ILocator cards = page.Locator("[data-testid=stack-group]");
            await Assertions.Expect(cards).ToHaveCountAsync(FirstGroups);
            await Assertions.Expect(page.GetByTestId("more-groups")).ToContainTextAsync($"{keys.Length - FirstGroups} more groups below");
            int total = groups.EnumerateArray().Sum(g => g.GetProperty("count").GetInt32());
            await Assertions.Expect(page.GetByTestId("stacks-total")).ToHaveTextAsync($"{total} stacks in {keys.Length} groups");

            await page.GetByTestId("more-groups").ScrollIntoViewIfNeededAsync();
            await Assertions.Expect(cards).Not.ToHaveCountAsync(FirstGroups);

            await Assertions.Expect(page.GetByTestId("groups-shown")).ToContainTextAsync("showing ");
            await page.ClickAsync("[data-testid=groups-shown] button:text('show all')");
            await Assertions.Expect(cards).ToHaveCountAsync(keys.Length);
            await Assertions.Expect(page.GetByTestId("more-groups")).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("groups-shown")).ToHaveCountAsync(0);
            string[] shown = [.. await cards.EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.key)")];
            Assert.Equal(keys, shown);
        });
    }
}
