using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Reconciling;
using ModelOperator.Operator.Settings;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Apply;

/// <summary>
/// Makes a <see cref="RolloutPlan"/> true in the API server. Every child kind goes through one routine,
/// <see cref="SyncAsync{T}"/>: ensure each wanted object (create, update, or leave alone) and delete every other one of
/// that kind the ModelDeployment controls. The builders decide what is wanted; a new child kind is one more
/// <c>SyncAsync</c> line with its builder (and its informer in the view). Idempotent: a plan already true writes nothing.
/// </summary>
public sealed partial class PlanApplier(IKubernetesClient client, IClusterView view, OperatorOptions options, ILogger logger)
{
    private readonly ChildApplier _children = new(client);

    /// <summary>
    /// Applies the revisions' Deployments, HPAs and PodDisruptionBudgets, then the Services and the HTTPRoute's weights. Throws
    /// <see cref="ChildConflictException"/> at the first object that belongs to someone else, leaving it untouched.
    /// </summary>
    /// <param name="route">The observed HTTPRoute (Gateway API routing), or null; it is written only when present.</param>
    public async Task ApplyChildrenAsync(ModelDeployment md, RolloutPlan plan, HttpRoute? route, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Revisions is { } revisions)
        {
            await SyncAsync<Deployment>(md, observed => DeploymentBuilder.ForPlan(md, revisions, observed, options), cancellationToken).ConfigureAwait(false);
            await SyncAsync<HorizontalPodAutoscaler>(md, _ => PinnedHpaBuilder.ForPlan(md, revisions), cancellationToken).ConfigureAwait(false);
            await SyncAsync<PodDisruptionBudget>(md, _ => PdbBuilder.ForPlan(md, revisions), cancellationToken).ConfigureAwait(false);
            await SyncAsync<ConfigMap>(md, _ => ShadowChildren.ConfigMaps(md, plan.Shadow), cancellationToken).ConfigureAwait(false);
        }

        if (plan.Traffic is { } traffic)
        {
            // A revision Service goes only once the route no longer names it: a Gateway never forwards to a Service that is gone.
            var services = await EnsureWantedAsync<Service>(md, _ => ShadowChildren.WithTargetService(md, ServiceBuilder.ForTraffic(md, traffic), plan.Shadow), cancellationToken).ConfigureAwait(false);
            if (traffic is { Mode: TrafficRoutingMode.GatewayApi, Backends.Count: > 0 } && route is not null)
            {
                await EnsureAsync(HttpRouteWeights.ForTraffic(route, services.Names, traffic), route, cancellationToken).ConfigureAwait(false);
            }

            await DeleteStaleAsync(services, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sets (a value) or removes (null) annotations of the ModelDeployment; returns it as written, or as it was when
    /// nothing changed.
    /// </summary>
    public async Task<ModelDeployment> ApplyAnnotationsAsync(ModelDeployment md, IReadOnlyDictionary<string, string?> annotations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(annotations);
        var current = md.Metadata.Annotations ?? new Dictionary<string, string>();
        var changes = annotations.Where(a => a.Value is null ? current.ContainsKey(a.Key) : current.GetValueOrDefault(a.Key) != a.Value).ToList();
        if (changes.Count == 0)
        {
            return md;
        }

        var body = new JsonObject();
        foreach (var (k, v) in changes)
        {
            body[k] = v is null ? null : JsonValue.Create(v);
        }

        // The resourceVersion makes this a guarded write: a newer spec (a user's edit) wins and we plan again.
        var patch = Patch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = md.Metadata.ResourceVersion, ["annotations"] = body } });
        return await client.Resource<ModelDeployment>().PatchAsync(ObjectKey.From(md), patch, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The one "ensure what is wanted, delete what is stale" routine: the objects of kind <typeparamref name="T"/> that
    /// <paramref name="owner"/> controls become exactly those <paramref name="wanted"/> returns (given what is observed),
    /// matched by name.
    /// </summary>
    private async Task SyncAsync<T>(ModelDeployment owner, Func<IReadOnlyList<T>, IReadOnlyList<T>> wanted, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<T> =>
        await DeleteStaleAsync(await EnsureWantedAsync(owner, wanted, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>The first half of <see cref="SyncAsync{T}"/>, for a kind whose stale objects must outlive another write.</summary>
    private async Task<Synced<T>> EnsureWantedAsync<T>(ModelDeployment owner, Func<IReadOnlyList<T>, IReadOnlyList<T>> wanted, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<T>
    {
        var observed = await view.OwnedAsync<T>(owner.Metadata.Namespace!, owner.Metadata.Uid!, cancellationToken).ConfigureAwait(false);
        var byName = observed.ToDictionary(o => o.Metadata.Name!, StringComparer.Ordinal);
        var wantedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var desired in wanted(observed))
        {
            wantedNames.Add(desired.Metadata.Name!);
            await EnsureAsync(desired, byName.GetValueOrDefault(desired.Metadata.Name!), cancellationToken).ConfigureAwait(false);
        }

        var stale = observed.Where(o => !wantedNames.Contains(o.Metadata.Name!)).ToList();
        return new Synced<T>(stale, new HashSet<string>(wantedNames.Concat(byName.Keys), StringComparer.Ordinal));
    }

    private async Task DeleteStaleAsync<T>(Synced<T> synced, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<T>
    {
        foreach (var stale in synced.Stale)
        {
            Logged(stale, await _children.DeleteAsync(stale, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <param name="Stale">The owner's objects of the kind that are no longer wanted.</param>
    /// <param name="Names">The names of every object of the kind that is or was the owner's: the wanted and the stale ones.</param>
    private sealed record Synced<T>(IReadOnlyList<T> Stale, IReadOnlySet<string> Names);

    private async Task EnsureAsync<T>(T desired, T? observed, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<T>
    {
        var (_, outcome) = await _children.EnsureAsync(desired, observed, cancellationToken).ConfigureAwait(false);
        Logged(desired, outcome);
    }

    private void Logged<T>(T obj, ApplyOutcome outcome)
        where T : class, IKubernetesObject<T>
    {
        if (outcome != ApplyOutcome.Unchanged)
        {
            Log.Applied(logger, T.Resource.Kind, obj.Metadata.Name ?? string.Empty, outcome.ToString());
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Kind} {Name} {Outcome}")]
        public static partial void Applied(ILogger logger, string kind, string name, string outcome);
    }
}
