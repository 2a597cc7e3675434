using System.Diagnostics;
using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Benchmarks;

/// <summary>
/// When each phase of an operator-scale run happened, seen from the API server through watches (cheaper for the bench
/// process than listing thousands of objects in a loop): the operator's Deployments created, pods ready (the stand-in
/// kubelet), first status written and Healthy (the operator). Each phase records when its first, half-way and last
/// object arrived, on the run's own stopwatch, so run 1 and the runs after it can be compared phase by phase.
/// </summary>
internal sealed class ScaleTimeline : IAsyncDisposable
{
    private readonly Stopwatch _clock;
    private readonly int _count;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _watches;

    public ScaleTimeline(IKubernetesClient client, string ns, int count, Stopwatch clock)
    {
        _clock = clock;
        _count = count;
        _watches =
        [
            WatchAsync(client.Resource<Deployment>(), ns, Children, _ => true),
            WatchAsync(client.Resource<Pod>(), ns, PodsReady, p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true),
            WatchAsync(client.Resource<ModelDeployment>(), ns, StatusWritten, m => m.Status is not null),
            WatchAsync(client.Resource<ModelDeployment>(), ns, Healthy, m => m.Status?.Phase == Phases.Healthy && m.Status.ObservedGeneration == m.Metadata.Generation),
        ];
    }

    /// <summary>The operator's Deployments, by first sight.</summary>
    public Phase Children { get; } = new("Deployments created");

    /// <summary>Pods that the stand-in kubelet marked Ready.</summary>
    public Phase PodsReady { get; } = new("pods Ready");

    /// <summary>ModelDeployments with any status (the operator's first status write).</summary>
    public Phase StatusWritten { get; } = new("first status written");

    /// <summary>ModelDeployments Healthy at their generation.</summary>
    public Phase Healthy { get; } = new("Healthy");

    public IReadOnlyList<Phase> All => [Children, PodsReady, StatusWritten, Healthy];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_watches).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private Task WatchAsync<T>(IResourceClient<T> resource, string ns, Phase phase, Func<T, bool> counts)
        where T : class, IKubernetesObject<T> => Task.Run(async () =>
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // From "now": every object of the run is created after the timeline starts.
        var from = (await resource.ListAsync(ns, cancellationToken: _stop.Token).ConfigureAwait(false)).Metadata?.ResourceVersion;
        while (!_stop.IsCancellationRequested && seen.Count < _count)
        {
            try
            {
                await foreach (var e in resource.WatchAsync(ns, new WatchOptions { ResourceVersion = from }, _stop.Token).ConfigureAwait(false))
                {
                    if (e.Object is not { } obj || e.Type is WatchEventType.Error)
                    {
                        break;
                    }

                    from = e.ResourceVersion ?? from;
                    if (e.Type is WatchEventType.Added or WatchEventType.Modified && counts(obj) && seen.Add(obj.Metadata.Name!))
                    {
                        phase.Saw(seen.Count, _count, _clock.Elapsed);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or IOException)
            {
                // The watch ended (timeout, connection): go on from the last version seen.
            }
        }
    });

    /// <summary>One phase: when its first, half-way and last object arrived (null until then).</summary>
    internal sealed class Phase(string name)
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name { get; } = name;

        public TimeSpan? First { get; private set; }

        public TimeSpan? Half { get; private set; }

        public TimeSpan? Last { get; private set; }

        /// <summary>Completes when the last object arrives.</summary>
        public Task Reached => _reached.Task;

        public void Saw(int seen, int count, TimeSpan at)
        {
            if (seen == 1)
            {
                First = at;
            }

            if (seen == (count + 1) / 2)
            {
                Half = at;
            }

            if (seen == count)
            {
                Last = at;
                _reached.TrySetResult();
            }
        }
    }
}
