using System.Net;
using System.Security.Cryptography;

namespace Secrets;

/// <summary>
/// Secrets in the shapes a service holds them: a password and an API token by field name, a bearer token in a
/// header dictionary, a connection string, a <see cref="NetworkCredential"/>, an HTTP request with Authorization and
/// Cookie headers, an AES key object, and a nickname only a spec's own <c>redact:</c> names. Every secret value starts with
/// <see cref="Marker"/> so a test can scan a snapshot's bytes for it.
/// </summary>
public sealed class Account(string userName, int id)
{
    public const string Marker = "SIDEYE-SECRET-";

    public string UserName { get; } = userName;
    public int Id { get; } = id;
    public string Password { get; } = $"{Marker}password-{id}";
    public string ApiToken { get; } = $"{Marker}api-token-{id}";
    public string Nickname { get; } = $"{Marker}nickname-{id}";
    public string ConnectionString { get; } = $"Server=db;User Id=app;Password={Marker}conn-{id}";
    public Dictionary<string, string> Headers { get; } = new() { ["Authorization"] = $"Bearer {Marker}bearer-{id}", ["Accept"] = "application/json" };
    public NetworkCredential Credential { get; } = new("svc", $"{Marker}netcred-{id}");
    public NetworkCredential Login { get; } = new("svc2", $"{Marker}login-{id}"); // not a sensitive name: its password field is
    public HttpRequestMessage Request { get; } = NewRequest(id);
    public string Note { get; } = $"Bearer {Marker}note-{id}"; // a credential whatever its field is called
    public SymmetricAlgorithm Cipher { get; } = Aes.Create(); // key material: redacted by its type, whatever its name

    private static HttpRequestMessage NewRequest(int id)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "https://example.invalid/orders");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {Marker}request-auth-{id}");
        request.Headers.TryAddWithoutValidation("Cookie", $"session={Marker}cookie-{id}");
        request.Headers.TryAddWithoutValidation("X-Trace", "trace-1");
        return request;
    }
}
