using Microsoft.Playwright;

namespace Sideye.EndToEnd.Tests.Browser;

/// <summary>
/// A real, headless Chromium driven by Playwright: Debian's <c>chromium</c> package (<c>/usr/bin/chromium</c>, or
/// <c>SIDEYE_CHROMIUM</c>), never a browser download. Console errors and failed page scripts are collected, so a
/// test can assert the app raised none.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                lock (Errors) Errors.Add("console: " + message.Text);
        };
        page.PageError += (_, error) =>
        {
            lock (Errors) Errors.Add("page error: " + error);
        };
        // The API requests, with when each started and ended, for a failed step's message: a view showing stale data
        // is told apart from one whose request is slow by them.
        page.Request += (_, request) => Note(request, "sent");
        page.RequestFinished += (_, request) => Note(request, "answered");
        page.RequestFailed += (_, request) => Note(request, "failed " + request.Failure);
    }

    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Queue<string> _requests = new();

    private void Note(IRequest request, string what)
    {
        if (!request.Url.Contains("/api/", StringComparison.Ordinal))
            return;
        lock (_requests)
        {
            _requests.Enqueue($"{_clock.Elapsed.TotalSeconds:F2}s {what} {request.Method} {request.Url[request.Url.IndexOf("/api/", StringComparison.Ordinal)..]}");
            if (_requests.Count > 30)
                _requests.Dequeue();
        }
    }

    public IPage Page { get; }

    /// <summary>What the page logged as errors (failed requests the app handled are logged by Chromium too).</summary>
    public List<string> Errors { get; } = [];

    public static string ChromiumPath => Environment.GetEnvironmentVariable("SIDEYE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<BrowserSession> StartAsync(int width = 1400, int height = 1000)
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} not found: the web app's tests drive a real Chromium. Install it with `apt-get install -y chromium` (.ci/run does), or set SIDEYE_CHROMIUM to one.");
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        page.SetDefaultTimeout(30_000);
        return new BrowserSession(playwright, browser, page);
    }

    /// <summary>A screenshot for the README (and for post-mortems), into .build/screenshots.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        string dir = Path.Combine(Repo.Root, ".build", "screenshots");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, Timeout = 10_000 });
        return path;
    }

    /// <summary>
    /// Runs a test's steps; on failure, the page's address, a screenshot and its script errors join the message, so a
    /// failed step is found from the message alone.
    /// </summary>
    public async Task StepsAsync(string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            string shot;
            try
            {
                shot = await ScreenshotAsync(name + "-failure");
            }
            catch (Exception screenshot) when (screenshot is PlaywrightException or TimeoutException)
            {
                shot = "none: " + screenshot.Message.Split('\n')[0]; // a page too busy to paint; the step's own error matters
            }
            string requests;
            lock (_requests)
                requests = string.Join("\n  ", _requests);
            throw new InvalidOperationException(
                $"{e.Message}\nat {Page.Url} (screenshot {shot}) at {_clock.Elapsed.TotalSeconds:F2}s; page errors: {string.Join("; ", Errors)}\nthe last API requests:\n  {requests}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
