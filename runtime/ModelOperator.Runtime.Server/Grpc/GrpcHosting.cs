using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Runtime.Server.Grpc;

/// <summary>
/// Puts the gRPC service beside REST in the same process: its own Kestrel endpoint on GRPC_PORT speaking HTTP/2
/// without TLS (h2c, as KServe and Triton serve it in a cluster, where the mesh or the ingress terminates TLS), the
/// inference and health services, and gRPC's message limit set to REST's body limit.
/// </summary>
internal static class GrpcHosting
{
    /// <summary>Registers the services; the listener returned learns the bound port once Kestrel starts.</summary>
    public static GrpcListener AddServices(IServiceCollection services, ServerOptions options)
    {
        var listener = new GrpcListener();
        services.AddSingleton(listener);
        services.AddSingleton<GrpcRequestMetrics>();
        // The services hold no per-call state: one instance each, instead of gRPC's default of building one per call
        // through ActivatorUtilities (constructor lookup and six injected services on every ModelInfer).
        services.AddSingleton<InferenceGrpcService>();
        services.AddSingleton<GrpcHealthService>();
        services.AddSingleton<ModelInferFastPath>();
        services.AddGrpc(grpc =>
        {
            // REST's body limit. gRPC reads a whole message before the service sees it, so this is what bounds the
            // memory of one call; the model's own (smaller) limit is checked in ModelInfer, as REST checks it.
            grpc.MaxReceiveMessageSize = MaxReceiveMessageSize(options);
            grpc.MaxSendMessageSize = null;
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<GrpcRequestMetrics>();
        });
        return listener;
    }

    /// <summary>gRPC's message limit: REST's body limit, within what the framework's int can hold.</summary>
    public static int MaxReceiveMessageSize(ServerOptions options) => (int)Math.Min(int.MaxValue, options.MaxRequestBodyBytes);

    public static void Listen(KestrelServerOptions kestrel, IPAddress address, ServerOptions options, GrpcListener listener) =>
        kestrel.Listen(address, options.GrpcPort, listen =>
        {
            // Without TLS there is no ALPN to agree on HTTP/2: the port speaks HTTP/2 only (prior knowledge).
            listen.Protocols = HttpProtocols.Http2;
            listener.Options = listen;
        });

    /// <summary>
    /// ModelInfer's fast path, ahead of routing and of the REST middleware (drain, error bodies, status code pages), which
    /// do nothing for a gRPC call: a plain call never reaches them or the framework's pipeline. Routing is placed here, after
    /// it, explicitly: WebApplication would otherwise put routing first of all, so that every call paid for matching.
    /// </summary>
    public static void UseFastPath(WebApplication app)
    {
        var fastPath = app.Services.GetRequiredService<ModelInferFastPath>();
        app.Use(fastPath.InvokeAsync);
        app.UseRouting();
    }

    public static void Map(WebApplication app)
    {
        app.MapGrpcService<InferenceGrpcService>();
        app.MapGrpcService<GrpcHealthService>();
    }
}

/// <summary>The gRPC endpoint as Kestrel bound it; with GRPC_PORT=0 the port is known only once the server started.</summary>
internal sealed class GrpcListener
{
    public ListenOptions? Options { get; set; }

    public int Port => Options?.IPEndPoint?.Port ?? throw new InvalidOperationException("the gRPC endpoint is not bound yet");
}
