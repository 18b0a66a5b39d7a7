using System.Security.Cryptography;
using System.Text;

namespace Sideye.QueryServer.Security;

/// <summary>
/// API keys as dotnet-monitor uses them: the client sends <c>Authorization: Bearer &lt;key&gt;</c>, the server keeps
/// only the key's SHA-256 (so a leaked configuration or process listing does not leak a usable key).
/// </summary>
public static class ApiKeys
{
    /// <summary>A new random key: 32 bytes, base64url (no padding), safe in a header and a shell.</summary>
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The form the server is configured with: <c>sha256:&lt;64 hex digits&gt;</c>.</summary>
    public static string Hash(string key) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether <paramref name="hash"/> is in the form <see cref="Hash"/> gives.</summary>
    public static bool IsValidHash(string hash) =>
        hash.StartsWith("sha256:", StringComparison.Ordinal) && hash.Length == 7 + 64 && hash[7..].All(Uri.IsHexDigit);

    /// <summary>Whether the key hashes to one of the configured hashes, in time that does not depend on where they differ.</summary>
    public static bool Matches(string key, IReadOnlyList<string> hashes)
    {
        byte[] candidate = Encoding.ASCII.GetBytes(Hash(key));
        bool match = false;
        foreach (string hash in hashes)
            match |= CryptographicOperations.FixedTimeEquals(candidate, Encoding.ASCII.GetBytes(hash.ToLowerInvariant()));
        return match;
    }
}
