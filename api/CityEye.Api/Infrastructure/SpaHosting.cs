using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace CityEye.Api.Infrastructure;

internal static class SpaHosting
{
    /// <summary>The built SPA's files: <c>CityEye:SpaRoot</c> when set, else the host's web root.</summary>
    public static IFileProvider Resolve(WebApplication app)
    {
        var root = app.Services.GetRequiredService<IOptions<CityEyeOptions>>().Value.SpaRoot;
        if (string.IsNullOrWhiteSpace(root))
        {
            return app.Environment.WebRootFileProvider;
        }

        var full = Path.GetFullPath(root);
        if (!File.Exists(Path.Combine(full, "index.html")))
        {
            app.Logger.LogWarning("CityEye:SpaRoot {SpaRoot} has no index.html; the UI is not served (run ./run.sh or npm run build in frontend/)", full);
            return Directory.Exists(full) ? new PhysicalFileProvider(full) : new NullFileProvider();
        }

        return new PhysicalFileProvider(full);
    }

    /// <summary>
    /// Vite names built assets by content hash, so they can be cached for a year; index.html must be revalidated so a
    /// new release is picked up at once.
    /// </summary>
    public static StaticFileOptions StaticFileOptions(IFileProvider files) => new()
    {
        FileProvider = files,
        OnPrepareResponse = context =>
        {
            context.Context.Response.Headers.CacheControl = context.Context.Request.Path.StartsWithSegments("/assets")
                ? "public, max-age=31536000, immutable"
                : "no-cache";
        },
    };
}
