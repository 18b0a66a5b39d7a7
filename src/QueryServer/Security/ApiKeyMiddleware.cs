using Microsoft.AspNetCore.Http;

namespace Sideye.QueryServer.Security;

/// <summary>
/// Every request but the web app's own files (the API, OpenAPI, Swagger UI) needs <c>Authorization: Bearer &lt;key&gt;</c>
/// when the server has keys; 401 with <c>WWW-Authenticate: Bearer</c> otherwise. The key is never logged.
/// </summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, QueryServerOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && ApiKeys.Matches(header["Bearer ".Length..].Trim(), options.ApiKeyHashes))
            return next(context);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
            detail: "Send the key `sideye generatekey` printed as `Authorization: Bearer <key>`.").ExecuteAsync(context);
    }
}
