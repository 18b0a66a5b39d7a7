using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Sideye.QueryServer.Hosting;

/// <summary>
/// Serves the web app (built from <c>WebApp/</c> and embedded in this assembly) at <c>/</c>, on the same origin as
/// <c>/api</c>. Its files hold no captured data, so they are served before the API key check: the app asks for
/// the key and sends it as <c>Authorization: Bearer</c> with every API call, as any other client does.
/// </summary>
internal static class WebAppHosting
{
    /// <summary>Where the embedded files are rooted (the build's output folder, as the manifest names it).</summary>
    private const string Root = "WebApp/dist";

    // The app's own code only: no inline scripts, no other origin; styles inline because CodeMirror and the
    // flame graph set them from script. Not framed by other sites (captured values are on screen).
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static IFileProvider Files { get; } = new ManifestEmbeddedFileProvider(typeof(WebAppHosting).Assembly, Root);

    /// <summary>True when the build embedded the app (it always does; a missing <c>index.html</c> is a build fault).</summary>
    public static bool IsEmbedded => Files.GetFileInfo("index.html").Exists;

    public static IApplicationBuilder UseWebApp(this IApplicationBuilder app)
    {
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = Files });
        return app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = Files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context =>
            {
                IHeaderDictionary headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // Bundles are named by their content hash; index.html names the current ones and is always revalidated.
                headers.CacheControl = context.File.Name == "index.html" ? "no-cache" : "public, max-age=31536000, immutable";
            },
        });
    }
}
