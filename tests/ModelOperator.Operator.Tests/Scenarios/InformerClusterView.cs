using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Reconciling;
using ModelOperator.Operator.Settings;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// What the real operator reads: <see cref="CacheClusterView"/> over the real <see cref="OperatorInformers"/>, watching
/// the test bed's API server. A scenario stays deterministic because every reconcile's first read waits until each cache
/// holds what the API server holds (the same objects at the same or a newer resourceVersion), not for a while.
/// </summary>
internal sealed class InformerClusterView : IClusterView, IAsyncDisposable
{
    private static readonly TimeSpan CatchUpLimit = TimeSpan.FromSeconds(20);

    private readonly IKubernetesClient _client;
    private readonly OperatorInformers _informers;
    private readonly CacheClusterView _view;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];

    private InformerClusterView(IKubernetesClient client, OperatorInformers informers)
    {
        _client = client;
        _informers = informers;
        _view = new CacheClusterView(informers);
    }

    /// <summary>Starts the operator's informers (on <paramref name="time"/>) and waits for their first sync.</summary>
    public static async Task<InformerClusterView> StartAsync(IKubernetesClient client, TimeProvider time)
    {
        var view = new InformerClusterView(client, new OperatorInformers(client, new OperatorOptions(), time, NullLoggerFactory.Instance));
        foreach (var informer in view._informers.All)
        {
            view._running.Add(Task.Run(() => informer.RunAsync(view._stop.Token)));
        }

        using var limit = new CancellationTokenSource(CatchUpLimit);
        foreach (var informer in view._informers.All)
        {
            await informer.WaitForSyncAsync(limit.Token);
        }

        return view;
    }

    public async Task<ModelDeployment?> GetAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        await CaughtUpAsync(cancellationToken); // the first read of every reconcile
        return await _view.GetAsync(key, cancellationToken);
    }

    public Task<IReadOnlyList<T>> OwnedAsync<T>(string @namespace, string uid, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<T> => _view.OwnedAsync<T>(@namespace, uid, cancellationToken);

    public Task<IReadOnlyList<Pod>> PodsAsync(ObjectKey modelDeployment, CancellationToken cancellationToken) => _view.PodsAsync(modelDeployment, cancellationToken);

    public Task<HttpRoute?> RouteAsync(ObjectKey key, CancellationToken cancellationToken) => _view.RouteAsync(key, cancellationToken);

    /// <summary>Waits until every cache holds what the API server holds now; fails the test after <see cref="CatchUpLimit"/>.</summary>
    public async Task CaughtUpAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var behind = await BehindAsync(_informers.ModelDeployments, null, cancellationToken)
                ?? await BehindAsync(_informers.Deployments, OperatorInformers.ManagedBySelector, cancellationToken)
                ?? await BehindAsync(_informers.Pods, OperatorInformers.ManagedBySelector, cancellationToken)
                ?? await BehindAsync(_informers.Services, OperatorInformers.ManagedBySelector, cancellationToken)
                ?? await BehindAsync(_informers.Autoscalers, OperatorInformers.ManagedBySelector, cancellationToken)
                ?? await BehindAsync(_informers.ConfigMaps, OperatorInformers.ManagedBySelector, cancellationToken)
                ?? await BehindAsync(_informers.HttpRoutes, null, cancellationToken);
            if (behind is null)
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(started) > CatchUpLimit)
            {
                throw new TimeoutException($"the informer caches did not catch up with the API server within {CatchUpLimit}: {behind}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken); // a watch event is on its way
        }
    }

    /// <summary>Null when the cache holds every live object at its resourceVersion or a newer one, and nothing else; else what differs.</summary>
    private async Task<string?> BehindAsync<T>(Informer<T> informer, string? selector, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<T>
    {
        var live = (await _client.Resource<T>().ListAllAsync(null, new ListOptions { LabelSelector = selector }, cancellationToken)).Items;
        var cached = informer.Cache.List().ToDictionary(o => ObjectKey.From(o), o => Version(o), EqualityComparer<ObjectKey>.Default);
        foreach (var o in live)
        {
            if (!cached.Remove(ObjectKey.From(o), out var version) || version < Version(o))
            {
                return $"{typeof(T).Name} {ObjectKey.From(o)} at resourceVersion {o.Metadata.ResourceVersion} not yet cached";
            }
        }

        return cached.Count == 0 ? null : $"{typeof(T).Name} {cached.Keys.First()} cached but deleted";
    }

    private static long Version(IKubernetesObject o) => long.Parse(o.Metadata.ResourceVersion ?? "0", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_running);
        }
        catch (OperationCanceledException)
        {
            // stopped as asked
        }

        _stop.Dispose();
    }
}
