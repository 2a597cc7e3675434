using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelOperator.ControllerRuntime.Hosting;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Settings;
using ModelOperator.Metrics;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(OperatorOptionsParser.Usage());
    return 0;
}

var options = OperatorOptionsParser.Parse(args, Environment.GetEnvironmentVariable, out var problems);
if (problems.Count > 0)
{
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"modeloperator: {problem}");
    }

    return 2;
}

KubernetesConfiguration kubeConfig;
try
{
    kubeConfig = KubernetesConfigurationLoader.Load(options.Kubeconfig, options.KubeContext);
}
catch (KubernetesConfigurationException e)
{
    Console.Error.WriteLine($"modeloperator: cannot load the Kubernetes configuration: {e.Message}");
    Console.Error.WriteLine("modeloperator: set KUBECONFIG (or --kubeconfig) to a kubeconfig file, or run in a pod with a service account");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls($"http://{options.HttpHost}:{options.HttpPort}");
builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
var time = TimeProvider.System;
// A registry of our own (prometheus-net's default one adds about 33 families of its own).
var registry = Prometheus.Metrics.NewCustomRegistry();
ProcessMetrics.Register(registry);
builder.Services.AddSingleton(registry);
builder.Services.AddSingleton(options);
builder.Services.AddSingleton(time);
builder.Services.AddSingleton(sp => new KubernetesClient(kubeConfig, new KubernetesClientOptions { TimeProvider = time, LoggerFactory = sp.GetRequiredService<ILoggerFactory>() }));
// The one client of every call to pods and Prometheus, with its bounds (Http/OutboundHttp.cs).
builder.Services.AddSingleton(_ => new OutboundHttp(options, time));
builder.Services.AddSingleton(sp => OperatorWiring.Create(
    sp.GetRequiredService<KubernetesClient>(), options, time, sp.GetRequiredService<ILoggerFactory>(), registry, sp.GetRequiredService<OutboundHttp>()));
builder.Services.AddHostedService(sp => sp.GetRequiredService<Manager>());

var app = builder.Build();
// Plain request delegates, not minimal-API handlers with parameters: those are compiled from expression trees at
// start, which loads System.Linq.Expressions and JITs the compiler, a few MiB of resident memory for three endpoints.
// /metrics is prometheus-net's middleware (Prometheus text or OpenMetrics), also a plain delegate underneath.
var manager = app.Services.GetRequiredService<Manager>();
app.MapGet("/healthz", context => Text(context, StatusCodes.Status200OK, "ok"));
app.MapGet("/readyz", context => manager.Synced.IsCompletedSuccessfully
    ? Text(context, StatusCodes.Status200OK, "ok")
    : Text(context, StatusCodes.Status503ServiceUnavailable, "caches not synced yet"));
MetricsEndpoint.Map(app, registry);
await app.RunAsync().ConfigureAwait(false);
return 0;

static Task Text(HttpContext context, int status, string body, string contentType = "text/plain; charset=utf-8")
{
    context.Response.StatusCode = status;
    context.Response.ContentType = contentType;
    return context.Response.WriteAsync(body);
}
