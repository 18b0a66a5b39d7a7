using Microsoft.AspNetCore.Http;
using Sideye.QueryServer.Errors;

namespace Sideye.QueryServer.Api;

/// <summary>The representations of the flame graph endpoint, chosen by <c>?format=</c> or else by Accept.</summary>
public enum FlamegraphFormat
{
    /// <summary>d3-flame-graph's nested <c>{name, value, children}</c> (application/json).</summary>
    Json,
    /// <summary>Folded stacks, one <c>process;root;...;leaf count</c> line per path (text/plain).</summary>
    Folded,
    /// <summary>A speedscope file (application/speedscope+json).</summary>
    Speedscope,
}

/// <summary>Content negotiation for <see cref="FlamegraphFormat"/>, as dotnet-monitor's /stacks does it.</summary>
internal static class FlamegraphFormats
{
    public static FlamegraphFormat Choose(string? format, HttpRequest request)
    {
        if (!string.IsNullOrEmpty(format))
        {
            return format.ToLowerInvariant() switch
            {
                "json" => FlamegraphFormat.Json,
                "folded" or "collapsed" or "text" => FlamegraphFormat.Folded,
                "speedscope" => FlamegraphFormat.Speedscope,
                _ => throw new BadHttpRequestException($"Unknown format '{format}': use json, folded or speedscope."),
            };
        }
        string accept = request.Headers.Accept.ToString();
        if (accept.Contains(Flamegraph.SpeedscopeFile.MediaType, StringComparison.OrdinalIgnoreCase))
            return FlamegraphFormat.Speedscope;
        if (accept.Contains("text/plain", StringComparison.OrdinalIgnoreCase) && !accept.Contains("json", StringComparison.OrdinalIgnoreCase))
            return FlamegraphFormat.Folded;
        return FlamegraphFormat.Json;
    }
}
