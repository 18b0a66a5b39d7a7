using System.Text.Json;
using Sideye.QueryServer.Tests.Fixtures;

namespace Sideye.QueryServer.Tests;

[Collection(SlowRpcServerCollection.Name)]
public sealed class OpenApiTests(SlowRpcServer fixture)
{
    [Theory]
    [InlineData("/api/health", "get")]
    [InlineData("/api/snapshots", "get")]
    [InlineData("/api/snapshots/{id}", "get")]
    [InlineData("/api/snapshots/{id}/query", "post")]
    [InlineData("/api/snapshots/{id}/stacks", "get")]
    [InlineData("/api/snapshots/{id}/flamegraph", "get")]
    [InlineData("/api/snapshots/{id}/links", "get")]
    [InlineData("/api/snapshots/{id}/links/batch", "get")]
    [InlineData("/api/spec", "get")]
    [InlineData("/api/spec", "put")]
    public async Task DescribesEveryEndpointWithASummary(string path, string method)
    {
        JsonElement document = await fixture.Server.GetJsonAsync("/swagger/v1/swagger.json");

        JsonElement operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("description").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("operationId").GetString()));
        Assert.True(operation.GetProperty("tags").GetArrayLength() > 0);
        Assert.True(operation.GetProperty("responses").TryGetProperty("200", out _));
    }

    [Fact]
    public async Task SchemasUseTheWireNames()
    {
        JsonElement document = await fixture.Server.GetJsonAsync("/swagger/v1/swagger.json");

        JsonElement schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.GetProperty("SnapshotSummary").GetProperty("properties").TryGetProperty("captured_at_utc", out _));
        Assert.True(schemas.GetProperty("QueryResult").GetProperty("properties").TryGetProperty("elapsed_ms", out _));
        Assert.True(schemas.GetProperty("StackGroup").GetProperty("properties").TryGetProperty("stack_ids", out _));
    }

    [Fact]
    public async Task ErrorsAreDocumentedAsProblems()
    {
        JsonElement document = await fixture.Server.GetJsonAsync("/swagger/v1/swagger.json");

        JsonElement responses = document.GetProperty("paths").GetProperty("/api/snapshots/{id}/query").GetProperty("post").GetProperty("responses");
        Assert.True(responses.GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _));
        Assert.True(responses.TryGetProperty("404", out _));
        Assert.True(responses.TryGetProperty("504", out _));
    }
}
