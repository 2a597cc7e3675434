using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.ApiServer.Api;
using ModelOperator.ApiServer.Faults;
using ModelOperator.ApiServer.Http;
using ModelOperator.ApiServer.OpenApi;
using ModelOperator.ApiServer.Resources;
using ModelOperator.ApiServer.Storage;
using ModelOperator.ApiServer.Watch;
using ModelOperator.ApiServer.Writes;

namespace ModelOperator.ApiServer.Hosting;

/// <summary>
/// An in-memory Kubernetes API server on 127.0.0.1 that real kubectl and the project's client
/// accept. Start one per test, point clients at <see cref="BaseUrl"/> (or a kubeconfig from
/// <see cref="WriteKubeconfig"/>), steer failures through <see cref="Faults"/>, assert writes with
/// <see cref="Writes(string, string, string)"/>, and dispose it.
/// </summary>
public sealed class InMemoryApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private readonly ObjectStore _store;
    private readonly WatchHub _hub;
    private readonly WriteCounter _writes;
    private readonly RequestLog? _requests;
    private int _disposed;
    private string? _token;

    private InMemoryApiServer(WebApplication app, CancellationTokenSource stopping, ResourceService service, ObjectStore store, WatchHub hub, WriteCounter writes, FaultInjector faults, Uri baseUrl, RequestLog? requests)
    {
        _requests = requests;
        Service = service;
        _app = app;
        _stopping = stopping;
        _store = store;
        _hub = hub;
        _writes = writes;
        Faults = faults;
        BaseUrl = baseUrl;
    }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    public int Port => BaseUrl.Port;

    /// <summary>Failure rules for tests (conflicts, 410, 429, latency, silence, ending watches).</summary>
    public FaultInjector Faults { get; }

    /// <summary>The current global resourceVersion.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_store.Gate)
            {
                return _store.ResourceVersion;
            }
        }
    }

    /// <summary>The REST semantics behind the HTTP surface (for in-process seeding in tests).</summary>
    internal ResourceService Service { get; }

    /// <summary>How many watches are open right now.</summary>
    public int OpenWatches => _hub.Count;

    public static async Task<InMemoryApiServer> StartAsync(InMemoryApiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new InMemoryApiServerOptions();
        options.Validate();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("ModelOperator.ApiServer");

        var hub = new WatchHub();
        var store = new ObjectStore(options.EventHistorySize, hub);
        var registry = new ResourceRegistry(BuiltInResources.All);
        var writes = new WriteCounter();
        var faults = new FaultInjector(options.TimeProvider, hub);
        var service = new ResourceService(store, registry, options.TimeProvider, writes, faults, logger);
        service.Bootstrap();

        var stopping = new CancellationTokenSource();
        var streamer = new WatchStreamer(service, hub, options.TimeProvider, options.BookmarkInterval, stopping.Token, logger);
        var requests = options.RecordRequests ? new RequestLog() : null;
        var handler = new ApiHandler(service, new ResourceEndpoint(service, streamer), new OpenApiDocuments(options.GitVersion), faults, options.GitVersion, logger, requests);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(InMemoryApiServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        if (options.LoggerFactory is not null)
        {
            builder.Services.AddSingleton(options.LoggerFactory);
        }

        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, options.Port);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        if (options.RequiredBearerToken is { } token)
        {
            app.Use(BearerTokenAuthentication.Require(token));
        }

        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            stopping.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        Log.Listening(logger, baseUrl.ToString());
        return new InMemoryApiServer(app, stopping, service, store, hub, writes, faults, baseUrl, requests) { _token = options.RequiredBearerToken };
    }

    /// <summary>The requests received so far, oldest first (empty unless <see cref="InMemoryApiServerOptions.RecordRequests"/> is on).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests?.Snapshot() ?? [];

    /// <summary>Writes a kubeconfig for this server and returns its full path.</summary>
    public string WriteKubeconfig(string path, string defaultNamespace = "default") => Kubeconfig.Write(path, BaseUrl, defaultNamespace, _token);

    /// <summary>Accepted writes to one namespaced object (<paramref name="resource"/> is a plural, optionally qualified).</summary>
    public WriteCounts Writes(string resource, string ns, string name) => _writes.Get(resource, ns, name);

    /// <summary>Accepted writes to one cluster-scoped object.</summary>
    public WriteCounts Writes(string resource, string name) => _writes.Get(resource, "", name);

    /// <summary>All accepted writes so far.</summary>
    public WriteCounts AllWrites() => _writes.All();

    public void ResetWriteCounts() => _writes.Reset();

    /// <summary>Forgets the event history up to now, so watches from any earlier resourceVersion get 410 Gone.</summary>
    public void CompactHistory()
    {
        lock (_store.Gate)
        {
            _store.History.Compact(_store.ResourceVersion);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _hub.EndAll();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
