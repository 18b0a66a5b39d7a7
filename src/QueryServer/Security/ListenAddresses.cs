using System.Net;

namespace Sideye.QueryServer.Security;

/// <summary>Which of the server's URLs other machines can reach: anything but a loopback host.</summary>
public static class ListenAddresses
{
    /// <summary>The URLs (as given to <c>--urls</c>) that listen beyond this machine's loopback interface.</summary>
    public static IReadOnlyList<string> NonLoopback(string urls) =>
        [.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(u => !IsLoopback(u))];

    private static bool IsLoopback(string url)
    {
        // Kestrel's wildcards ("*", "+") are not valid URI hosts: they mean every interface.
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        string rest = scheme >= 0 ? url[(scheme + 3)..] : url;
        string host = rest.StartsWith('[') ? rest[..(rest.IndexOf(']') + 1)] : rest.Split(':', '/')[0];
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address);
    }
}
