using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ModelOperator.Testing;

/// <summary>
/// A tiny HTTP origin on loopback that answers every request with the given handler: a model host, or with
/// an S3 and STS stand-in (the server tests' S3StandIn), a webhook or metrics endpoint for the operator's tests. With a certificate it serves https.
/// </summary>
public sealed class FileOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FileOrigin(WebApplication app) => _app = app;

    public static async Task<FileOrigin> StartAsync(RequestDelegate handler, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (certificate is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        }

        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return new FileOrigin(app);
    }

    /// <summary>The origin's URL with <paramref name="path"/> (https://127.0.0.1:PORT/... when it serves https).</summary>
    public string Url(string path) => _app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + path;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
