using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using ModelOperator.Metrics;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Server.Endpoints;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Metrics;
using ModelOperator.Runtime.Server.Models;
using ModelOperator.Runtime.Server.Shadow;

namespace ModelOperator.Runtime.Server.Hosting;

/// <summary>Builds the inference server's web application; used by the program and by tests.</summary>
internal static class ServerApp
{
    public static WebApplication Build(ServerOptions options, OnnxRuntimeEnvironment runtime, Action<ILoggingBuilder>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "modelserver" });
        builder.Logging.ClearProviders();
        if (configureLogging is not null)
        {
            configureLogging(builder.Logging);
        }
        else if (options.LogFormat == "json")
        {
            builder.Logging.AddJsonConsole();
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The drain runs inside the host's stop, before Kestrel's: the host's timeout covers both.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainPeriod + options.ShutdownTimeout);
        ListenOptions? metricsListener = null;
        var grpcListener = Grpc.GrpcHosting.AddServices(builder.Services, options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The inference handler enforces a limit derived from the model, with a clear message.
            kestrel.Limits.MaxRequestBodySize = null;
            var address = options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
            kestrel.Listen(address, options.Port);
            if (options.MetricsPort is { } metricsPort)
            {
                kestrel.Listen(address, metricsPort, listen => metricsListener = listen);
            }

            Grpc.GrpcHosting.Listen(kestrel, address, options, grpcListener);
        });

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton(TimeProvider.System);
        // A registry of our own (prometheus-net's default one adds about 33 families of its own).
        var registry = Prometheus.Metrics.NewCustomRegistry();
        ProcessMetrics.Register(registry);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<ModelState>();
        builder.Services.AddSingleton(sp => new ModelFetcher(
            options, null, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ModelFetcher>>()));
        builder.Services.AddSingleton<RequestBodyBudget>();
        builder.Services.AddSingleton<InferenceHandler>();
        builder.Services.AddShadowMirroring();
        builder.Services.AddHostedService<ModelLoader>();
        builder.Services.AddSingleton<GracefulDrain>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GracefulDrain>());

        var app = builder.Build();
        if (options.MetricsPort is not null)
        {
            // The bound port, read per request: with METRICS_PORT=0 Kestrel picks it when it starts.
            MetricsPortSplit.Use(app, () => metricsListener!.IPEndPoint!.Port);
        }

        Grpc.GrpcHosting.UseFastPath(app);
        app.Services.GetRequiredService<GracefulDrain>().Use(app);
        ProtocolEndpoints.Map(app);
        Grpc.GrpcHosting.Map(app);
        app.Lifetime.ApplicationStopped.Register(() => app.Services.GetRequiredService<ModelState>().Current.Model?.Dispose());
        return app;
    }
}
