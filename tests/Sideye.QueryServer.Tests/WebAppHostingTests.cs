using System.Net;
using System.Text.RegularExpressions;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

/// <summary>The web app is embedded and served at `/` with its bundles, on the API's origin, with a strict CSP.</summary>
[Collection(SlowRpcServerCollection.Name)]
public sealed class WebAppHostingTests(SlowRpcServer fixture)
{
    private RunningServer Server => fixture.Server;

    [Fact]
    public async Task TheAppIsServedAtTheRootWithItsBundles()
    {
        using HttpResponseMessage index = await Server.Client.GetAsync("/");
        string html = await index.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<div id=\"app\">", html);
        Assert.Contains("default-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-cache", index.Headers.CacheControl?.ToString());

        // Every bundle the page names is served (no CDN: nothing else is loaded).
        string[] assets = [.. System.Text.RegularExpressions.Regex.Matches(html, @"(?:src|href)=""\./(assets/[^""]+)""").Select(m => m.Groups[1].Value)];
        Assert.Contains(assets, a => a.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.EndsWith(".css", StringComparison.Ordinal));
        foreach (string asset in assets)
        {
            using HttpResponseMessage file = await Server.Client.GetAsync("/" + asset);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.True((await file.Content.ReadAsByteArrayAsync()).Length > 1000, asset);
            Assert.Contains("immutable", file.Headers.CacheControl?.ToString());
        }
        // Nothing loads from another origin (no CDN): no src or href that starts with a scheme or "//". The inline
        // favicon's SVG names its XML namespace by URL, which is not a request, so a plain "http://" search is wrong.
        Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*[""']?(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.Contains("href=\"data:image/svg+xml", html);
    }
}
