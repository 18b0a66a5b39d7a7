using System.Net.Http.Json;
using System.Text.Json;

namespace Sideye.EndToEnd.Tests;

/// <summary>Talks to a running `./sideye serve` over real HTTP.</summary>
public sealed class QueryClient
{
    private readonly HttpClient _http;

    public QueryClient(HttpClient http) => _http = http;

    public async Task<List<List<JsonElement>>> QueryAsync(string snapshotId, string sql)
    {
        HttpResponseMessage response = await _http.PostAsJsonAsync($"/api/snapshots/{snapshotId}/query", new { sql });
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"query failed ({(int)response.StatusCode}): {body}\nSQL: {sql}");
        using JsonDocument doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("rows").EnumerateArray()
            .Select(row => row.EnumerateArray().Select(c => c.Clone()).ToList()).ToList();
    }

    public async Task<long> ScalarAsync(string snapshotId, string sql)
    {
        List<List<JsonElement>> rows = await QueryAsync(snapshotId, sql);
        JsonElement cell = rows.Single().Single();
        return cell.ValueKind == JsonValueKind.String ? long.Parse(cell.GetString()!) : cell.GetInt64();
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        string body = await _http.GetStringAsync(path);
        // Flame graphs nest two levels per frame: deeper than the parser's default limit of 64.
        return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 10_000 }).RootElement.Clone();
    }

    /// <summary>POSTs a JSON body; the status and the parsed answer.</summary>
    public async Task<(int Status, JsonElement Body)> PostJsonAsync(string path, object body)
    {
        using HttpResponseMessage response = await _http.PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>PUT /api/spec with YAML; fails the test with the server's diagnostics when it is refused.</summary>
    public async Task<JsonElement> PutSpecAsync(string yaml)
    {
        using var content = new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml");
        using HttpResponseMessage response = await _http.PutAsync("/api/spec", content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT /api/spec failed ({(int)response.StatusCode}): {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<HttpResponseMessage> PostQueryRawAsync(string snapshotId, string sql) =>
        _http.PostAsJsonAsync($"/api/snapshots/{snapshotId}/query", new { sql });
}
