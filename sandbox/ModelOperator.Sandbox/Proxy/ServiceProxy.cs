using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;

namespace ModelOperator.Sandbox.Proxy;

/// <summary>
/// A local stand-in for a Service (and a Gateway): listens on a loopback port and forwards each HTTP request
/// (method, path, query, headers, body) to a ready pod. Without an HTTPRoute named <see cref="ServiceProxyOptions.RouteName"/>
/// the Service's own ready pods are used round robin; with one, the route's backendRefs weights pick a backend
/// Service (<see cref="ProxyRouting.PickWeighted"/>) and then one of its ready pods round robin. Pods are found by the
/// Service's selector and reached at <c>127.0.0.1:&lt;modeloperator.io/sandbox-port annotation&gt;</c> (the Service's
/// ports and targetPort are ignored: each sandbox pod has one port). No ready endpoint: 503 with a JSON error.
/// Every answer carries <c>x-sandbox-backend</c> (the Service) and <c>x-sandbox-pod</c>.
/// With <see cref="ServiceProxyOptions.GrpcPort"/> set, a second port forwards gRPC (HTTP/2 without TLS) to each pod's
/// gRPC port, trailers included (see ServiceProxy.Grpc.cs).
/// </summary>
public sealed partial class ServiceProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    private readonly ServiceProxyOptions _options;
    private readonly Informer<Service> _services;
    private readonly Informer<Pod> _pods;
    private readonly Informer<HttpRoute> _routes;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, long> _counters = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private Task? _informers;
    private int _disposed;

    public ServiceProxy(IKubernetesClient client, ServiceProxyOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        var time = timeProvider ?? TimeProvider.System;
        var logs = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = logs.CreateLogger<ServiceProxy>();
        _services = new Informer<Service>(new ResourceListerWatcher<Service>(client.Resource<Service>(), options.Namespace), time, logs.CreateLogger<Informer<Service>>());
        _pods = new Informer<Pod>(new ResourceListerWatcher<Pod>(client.Resource<Pod>(), options.Namespace), time, logs.CreateLogger<Informer<Pod>>());
        _routes = new Informer<HttpRoute>(new ResourceListerWatcher<HttpRoute>(client.Resource<HttpRoute>(), options.Namespace), time, logs.CreateLogger<Informer<HttpRoute>>());
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false }) { Timeout = options.RequestTimeout };
    }

    /// <summary>The address to send requests to, e.g. <c>http://127.0.0.1:41234/</c>; set by <see cref="StartAsync"/>.</summary>
    public Uri Url { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Starts the informers (waits for their first list) and the listener.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _informers = Task.WhenAll(_services.RunAsync(_stop.Token), _pods.RunAsync(_stop.Token), _routes.RunAsync(_stop.Token));
        await Task.WhenAll(_services.WaitForSyncAsync(cancellationToken), _pods.WaitForSyncAsync(cancellationToken), _routes.WaitForSyncAsync(cancellationToken)).ConfigureAwait(false);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, _options.Port);
            ListenGrpc(k);
        });
        _app = builder.Build();
        _app.Run(context => IsGrpc(context) ? ForwardGrpcAsync(context) : ForwardAsync(context));
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        if (_informers is not null)
        {
            try
            {
                await _informers.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _http.Dispose();
        _stop.Dispose();
    }

    /// <summary>Picks the backend Service and pod for the next request, or says why there is none.</summary>
    internal (string Service, Endpoint? Endpoint, string? Error) Choose()
    {
        var routeName = _options.RouteName ?? _options.ServiceName;
        var route = _routes.Cache.Get(new ObjectKey(_options.Namespace, routeName));
        var backend = _options.ServiceName;
        if (route is not null)
        {
            var backends = ProxyRouting.Backends(route);
            var index = ProxyRouting.PickWeighted(backends.Select(b => b.Weight).ToList(), Next("route/" + routeName));
            if (index < 0)
            {
                return (backend, null, $"HTTPRoute {routeName} has no backendRef with a weight above 0.");
            }

            backend = backends[index].Service;
        }

        var service = _services.Cache.Get(new ObjectKey(_options.Namespace, backend));
        if (service is null)
        {
            return (backend, null, $"Service {_options.Namespace}/{backend} does not exist.");
        }

        var endpoints = ProxyRouting.ReadyEndpoints(service, _pods.Cache.List(_options.Namespace));
        if (endpoints.Count == 0)
        {
            return (backend, null, $"Service {_options.Namespace}/{backend} has no ready endpoints.");
        }

        return (backend, endpoints[(int)((ulong)Next("service/" + backend) % (ulong)endpoints.Count)], null);
    }

    private long Next(string counter) => _counters.AddOrUpdate(counter, 0, (_, n) => n + 1);

    private async Task ForwardAsync(HttpContext context)
    {
        var (backend, endpoint, error) = Choose();
        context.Response.Headers["x-sandbox-backend"] = backend;
        if (endpoint is not { } target)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsJsonAsync(new ProxyError(error!), ProxyJsonContext.Default.ProxyError, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.Headers["x-sandbox-pod"] = target.Pod;
        var request = context.Request;
        var uri = new Uri($"http://127.0.0.1:{target.Port}{request.Path}{request.QueryString}");
        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), uri);
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            forward.Content = new StreamContent(request.Body);
        }

        CopyHeaders(request, forward);
        try
        {
            using var response = await _http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted).ConfigureAwait(false);
            await CopyResponseAsync(response, context).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (!context.Response.HasStarted)
        {
            Log.ForwardFailed(_logger, target.Pod, e.Message);
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            await context.Response.WriteAsJsonAsync(new ProxyError($"pod {target.Pod} did not answer: {e.Message}"), ProxyJsonContext.Default.ProxyError).ConfigureAwait(false);
        }
    }

    private static void CopyHeaders(HttpRequest request, HttpRequestMessage forward)
    {
        foreach (var header in request.Headers)
        {
            if (HopByHop.Contains(header.Key))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value))
            {
                forward.Content?.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
            }
        }
    }

    private static async Task CopyResponseAsync(HttpResponseMessage response, HttpContext context)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(header.Key))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Forwarding to pod {Pod} failed: {Error}")]
        public static partial void ForwardFailed(ILogger logger, string pod, string error);
    }
}
