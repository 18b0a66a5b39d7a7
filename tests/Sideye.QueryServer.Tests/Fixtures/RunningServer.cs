using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace Sideye.QueryServer.Tests.Fixtures;

/// <summary>The real server on 127.0.0.1 with a free port, called over real HTTP.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Client { get; }

    public static async Task<RunningServer> StartAsync(string snapshotsDirectory, Func<QueryServerOptions, QueryServerOptions>? configure = null)
    {
        var options = new QueryServerOptions(snapshotsDirectory, "http://127.0.0.1:0");
        options = configure?.Invoke(options) ?? options;
        WebApplication app = QueryServerHost.Build(options);
        await app.StartAsync();
        return new RunningServer(app, new Uri(app.Urls.Single()));
    }

    /// <summary>POSTs the SQL and returns the status and the parsed body (a result or a problem).</summary>
    public async Task<(int Status, JsonElement Body)> QueryAsync(string snapshotId, string sql)
    {
        using HttpResponseMessage response = await Client.PostAsJsonAsync($"/api/snapshots/{Uri.EscapeDataString(snapshotId)}/query", new { sql });
        string text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonElement.Parse(text));
    }

    /// <summary>Runs a query that must succeed and returns its rows.</summary>
    public async Task<JsonElement> RowsAsync(string snapshotId, string sql)
    {
        (int status, JsonElement body) = await QueryAsync(snapshotId, sql);
        Assert.True(status == 200, $"HTTP {status}: {body}");
        return body.GetProperty("rows");
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using HttpResponseMessage response = await Client.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: HTTP {(int)response.StatusCode}: {text}");
        return JsonElement.Parse(text);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
