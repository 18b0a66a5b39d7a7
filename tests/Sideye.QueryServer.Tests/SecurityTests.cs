using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sideye.QueryServer.Security;
using Sideye.QueryServer.Tests.Fixtures;
using Sideye.Snapshot;

namespace Sideye.QueryServer.Tests;

/// <summary>Who can read snapshots: API keys, the refusal to listen beyond loopback without them, private files.</summary>
public sealed class SecurityTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task With_a_key_every_endpoint_needs_it_the_OpenAPI_document_too()
    {
        string key = ApiKeys.Generate();
        await using RunningServer server = await RunningServer.StartAsync(_directory.Path, o => o with { ApiKeyHashes = [ApiKeys.Hash(key)] });

        foreach (string path in new[] { "/api/snapshots", "/api/health", "/swagger/v1/swagger.json", "/api/spec" })
        {
            using HttpResponseMessage anonymous = await server.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);

            using var wrong = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", ApiKeys.Generate()) } };
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.SendAsync(wrong)).StatusCode);

            using var right = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
            using HttpResponseMessage ok = await server.Client.SendAsync(right);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using var query = new HttpRequestMessage(HttpMethod.Post, "/api/snapshots/x/query") { Content = JsonContent("""{"sql":"SELECT 1"}""") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client.SendAsync(query)).StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5480")]
    [InlineData("http://*:5480")]
    [InlineData("http://[::]:5480")]
    [InlineData("http://127.0.0.1:5480;http://192.168.1.20:5480")]
    public void Listening_beyond_loopback_needs_a_key_or_an_explicit_no_auth(string urls)
    {
        var open = new QueryServerOptions(_directory.Path, urls);

        ArgumentException e = Assert.Throws<ArgumentException>(open.Validate);
        Assert.Contains("sideye generatekey", e.Message);
        Assert.Contains("--no-auth", e.Message);
        (open with { ApiKeyHashes = [ApiKeys.Hash("k")] }).Validate();
        (open with { NoAuth = true }).Validate();
        Assert.Contains(QueryServerHost.StartWarnings(open with { NoAuth = true }), w => w.StartsWith("--no-auth: anyone who can connect to", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5480")]
    [InlineData("http://localhost:5480")]
    [InlineData("http://[::1]:0")]
    public void Loopback_needs_no_key(string urls)
    {
        var options = new QueryServerOptions(_directory.Path, urls);
        options.Validate();
        Assert.DoesNotContain(QueryServerHost.StartWarnings(options), w => w.Contains("--no-auth", StringComparison.Ordinal));
    }

    [Fact]
    public void A_key_itself_is_refused_where_its_hash_belongs()
    {
        string key = ApiKeys.Generate();
        ArgumentException e = Assert.Throws<ArgumentException>(new QueryServerOptions(_directory.Path, "http://127.0.0.1:0") { ApiKeyHashes = [key] }.Validate);
        Assert.DoesNotContain(key, e.Message, StringComparison.Ordinal); // never echo what may be a secret
        Assert.Contains("sha256:", e.Message);
    }

    [Fact]
    public async Task Snapshots_are_readable_by_their_owner_only_whatever_the_umask()
    {
        string parent = Path.Combine(_directory.Path, "snapshots");
        string written = await SlowRpcSnapshot.WriteAsync(parent, "20250101-120000-privat", DateTimeOffset.UnixEpoch);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(parent));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(written));
        Assert.All(Directory.GetFiles(written), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
        Assert.Null(SnapshotFolder.ReadableByOthers(parent));
        File.SetUnixFileMode(parent, (UnixFileMode)0b111_101_101);
        Assert.Equal("755", SnapshotFolder.ReadableByOthers(parent));
        Assert.Contains(QueryServerHost.StartWarnings(new QueryServerOptions(parent, "http://127.0.0.1:0")), w => w.Contains("chmod 700", StringComparison.Ordinal));
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
