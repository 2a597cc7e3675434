using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ModelOperator.Sandbox.Proxy;

/// <summary>
/// The gRPC side of the proxy: what a Service's <c>grpc</c> port (appProtocol grpc) does in a cluster. Requests on the
/// gRPC listener go, over HTTP/2 with prior knowledge, to the chosen pod's gRPC port (its
/// <see cref="SandboxNames.GrpcPortAnnotation"/>); the answer's headers, body and trailers (grpc-status, grpc-message)
/// come back as they are. No endpoint is UNAVAILABLE, as a client would see from a Service without ready pods.
/// </summary>
public sealed partial class ServiceProxy
{
    private ListenOptions? _grpcListener;

    /// <summary>The gRPC address, e.g. <c>http://127.0.0.1:41235/</c>, when <see cref="ServiceProxyOptions.GrpcPort"/> is set; null otherwise.</summary>
    public Uri? GrpcUrl => _grpcListener?.IPEndPoint is { } endpoint ? new Uri($"http://127.0.0.1:{endpoint.Port}/") : null;

    private void ListenGrpc(KestrelServerOptions kestrel)
    {
        if (_options.GrpcPort is { } port)
        {
            kestrel.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                _grpcListener = listen;
            });
        }
    }

    private bool IsGrpc(HttpContext context) => _grpcListener?.IPEndPoint is { } endpoint && context.Connection.LocalPort == endpoint.Port;

    private async Task ForwardGrpcAsync(HttpContext context)
    {
        var (backend, endpoint, error) = Choose();
        context.Response.Headers["x-sandbox-backend"] = backend;
        if (endpoint is not { GrpcPort: > 0 } target)
        {
            GrpcError(context, error ?? $"pod {endpoint?.Pod} has no gRPC port ({SandboxNames.GrpcPortAnnotation})");
            return;
        }

        context.Response.Headers["x-sandbox-pod"] = target.Pod;
        var request = context.Request;
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), new Uri($"http://127.0.0.1:{target.GrpcPort}{request.Path}{request.QueryString}"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StreamContent(request.Body),
        };
        CopyHeaders(request, forward);
        forward.Headers.TryAddWithoutValidation("TE", "trailers"); // gRPC servers require it; TE is hop-by-hop, so set anew
        try
        {
            using var response = await _http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted).ConfigureAwait(false);
            await CopyResponseAsync(response, context).ConfigureAwait(false);
            foreach (var trailer in response.TrailingHeaders)
            {
                context.Response.AppendTrailer(trailer.Key, trailer.Value.ToArray());
            }
        }
        catch (HttpRequestException e) when (!context.Response.HasStarted)
        {
            Log.ForwardFailed(_logger, target.Pod, e.Message);
            GrpcError(context, $"pod {target.Pod} did not answer: {e.Message}");
        }
    }

    // A trailers-only answer: HTTP 200 with the gRPC status in the headers, as gRPC servers answer an error at once.
    private static void GrpcError(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = "14"; // UNAVAILABLE
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
