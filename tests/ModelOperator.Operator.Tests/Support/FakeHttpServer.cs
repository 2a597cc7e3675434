using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace ModelOperator.Operator.Tests.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 and a free port (the shared <see cref="FileOrigin"/>), answering every request with
/// what <c>answer</c> returns for it (status, content type, body), and recording the requests it saw. Stops when disposed.
/// </summary>
internal sealed class FakeHttpServer : IAsyncDisposable
{
    private FileOrigin? _origin;

    private FakeHttpServer()
    {
    }

    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public int Port => BaseUrl.Port;

    public static async Task<FakeHttpServer> StartAsync(Func<HttpRequest, (int Status, string ContentType, string Body)> answer)
    {
        var server = new FakeHttpServer();
        server._origin = await FileOrigin.StartAsync(async context =>
        {
            server.Requests.Enqueue(context.Request.Path + context.Request.QueryString);
            var (status, type, body) = answer(context.Request);
            context.Response.StatusCode = status;
            context.Response.ContentType = type;
            await context.Response.WriteAsync(body);
        });
        server.BaseUrl = new Uri(server._origin.Url("/"));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_origin is not null)
        {
            await _origin.DisposeAsync();
        }
    }
}
