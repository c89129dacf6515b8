using System.Reflection;
using FlowRunner.Language.Rendering;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FlowRunner.Hosting;

/// <summary>
/// The web page at <c>/</c>: static files built into the assembly (nothing is fetched from outside the machine).
/// The files are public and hold no data; the page asks the API for everything with the signed-in user's token.
/// A strict Content-Security-Policy allows only this server's own scripts and styles.
/// </summary>
internal static class UiEndpoints
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/", "Ui.index.html", "text/html; charset=utf-8"),
        ("/ui/app.js", "Ui.app.js", "text/javascript; charset=utf-8"),
        ("/ui/app.css", "Ui.app.css", "text/css; charset=utf-8"),
    ];

    /// <summary>Maps <c>/</c>, <c>/ui/app.js</c>, <c>/ui/app.css</c> and <c>/ui/diagram.css</c>.</summary>
    public static IEndpointRouteBuilder MapFlowRunnerPage(this IEndpointRouteBuilder endpoints)
    {
        foreach ((string path, string resource, string contentType) in Files)
        {
            byte[] content = Read(resource);
            endpoints.MapGet(path, (HttpContext context) => Serve(context, content, contentType)).AllowAnonymous().ExcludeFromDescription();
        }

        byte[] diagram = System.Text.Encoding.UTF8.GetBytes(SvgRenderer.Stylesheet);
        endpoints.MapGet("/ui/diagram.css", (HttpContext context) => Serve(context, diagram, "text/css; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Serve(HttpContext context, byte[] content, string contentType)
    {
        IHeaderDictionary headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return Results.Bytes(content, contentType);
    }

    private static byte[] Read(string resource)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the page file '{resource}' is missing from the assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
