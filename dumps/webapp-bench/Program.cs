using System.Diagnostics;
using Microsoft.Playwright;

// usage: WebAppBench BASE_URL SNAPSHOT_ID RUNS
// Prints one line per measure: "name median_ms min_ms max_ms". Each run opens a fresh page (no cache).
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: WebAppBench BASE_URL SNAPSHOT_ID RUNS");
    return 2;
}
string baseUrl = args[0].TrimEnd('/'), id = args[1];
int runs = int.Parse(args[2]);
string chromium = Environment.GetEnvironmentVariable("SIDEYE_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";

using IPlaywright playwright = await Playwright.CreateAsync();
await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = chromium,
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

var results = new Dictionary<string, List<double>>();
void Record(string name, double ms) => (results.TryGetValue(name, out var list) ? list : results[name] = []).Add(ms);

for (int run = 0; run < runs; run++)
{
    await using IBrowserContext context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
    IPage page = await context.NewPageAsync();
    page.SetDefaultTimeout(60_000);

    // Stacks view, from navigation to the first group painted.
    var clock = Stopwatch.StartNew();
    await page.GotoAsync($"{baseUrl}/#/s/{id}/stacks");
    await page.Locator("[data-testid=stack-group]").First.WaitForAsync();
    Record("stacks view: first group painted", clock.Elapsed.TotalMilliseconds);

    // Flame graph, from navigation to the chart drawn.
    clock.Restart();
    await page.GotoAsync($"{baseUrl}/#/s/{id}/flame");
    await page.Locator("[data-testid=flamegraph] g.frame").First.WaitForAsync();
    Record("flame graph: drawn", clock.Elapsed.TotalMilliseconds);

    // Focus: a click on the widest frame below the first process, until the count shows the focused stacks.
    string before = await page.GetByTestId("flame-total").InnerTextAsync();
    ILocator target = page.Locator("[data-testid=flamegraph] g.frame").Nth(3);
    await target.ScrollIntoViewIfNeededAsync();
    clock.Restart();
    await target.ClickAsync();
    await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("process="));
    await page.WaitForFunctionAsync("b => document.querySelector('[data-testid=flame-total]').textContent !== b", before);
    Record("flame graph: focus click", clock.Elapsed.TotalMilliseconds);
}

foreach ((string name, List<double> values) in results)
{
    values.Sort();
    Console.WriteLine($"{name}\t{values[values.Count / 2]:F0}\t{values[0]:F0}\t{values[^1]:F0}");
}
return 0;
