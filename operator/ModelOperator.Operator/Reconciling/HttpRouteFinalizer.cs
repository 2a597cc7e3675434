using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Children;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Reconciling;

/// <summary>
/// Keeps a user's HTTPRoute from outliving the Services it was pointed at. The revision Services go with the
/// ModelDeployment (owner references), but the route is the user's and stays; so while the operator manages a route
/// (Gateway API routing, the route exists and opted in with <see cref="Annotations.ManagedByModelDeployment"/>) the
/// ModelDeployment carries the finalizer <see cref="Name"/>, and on deletion the route loses the backendRefs that name the
/// ModelDeployment's Services (<see cref="HttpRouteRelease"/>) before the finalizer goes.
/// </summary>
/// <remarks>
/// The finalizer never holds a deletion forever: a route that is gone, no longer opted in, or that the operator may not
/// write (forbidden, or refused as invalid) lets it go at once with an Event saying so. Only a conflict or a failure of
/// the API server itself is retried, as any reconcile is.
/// </remarks>
internal sealed partial class HttpRouteFinalizer(IKubernetesClient client, IClusterView view, IEventRecorder events, ILogger logger)
{
    public const string Name = "modeloperator.io/httproute";

    /// <summary>
    /// Adds the finalizer while the operator manages <paramref name="route"/> (before it first writes it, so a deletion
    /// can never leave the route behind) and removes it when it no longer does. Returns the ModelDeployment as written.
    /// </summary>
    /// <param name="route">The route the plan routes through (Gateway API routing), or null when there is none.</param>
    public async Task<ModelDeployment> SyncAsync(ModelDeployment md, HttpRoute? route, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(md);
        var manages = route is not null && RouteOptIn.Problem(route, md.Metadata.Name!) is null;
        return manages == Has(md) ? md : await SetAsync(md, manages, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>On deletion: releases the route, then removes the finalizer. Does nothing without the finalizer.</summary>
    public async Task FinalizeAsync(ModelDeployment md, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(md);
        if (!Has(md))
        {
            return;
        }

        var (type, reason, message) = await ReleaseAsync(md, cancellationToken).ConfigureAwait(false);
        Log.Finalized(logger, md.Metadata.Name!, reason, message);
        await events.RecordAsync(md, type, reason, message, cancellationToken).ConfigureAwait(false);
        await SetAsync(md, false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(EventType Type, string Reason, string Message)> ReleaseAsync(ModelDeployment md, CancellationToken cancellationToken)
    {
        var name = md.Metadata.Name!;
        var routeName = md.Spec?.Rollout?.TrafficRouting?.GatewayApi?.HttpRoute;
        if (routeName is null)
        {
            return (EventType.Normal, Reasons.RouteReleased, "no HTTPRoute is named by spec.rollout.trafficRouting.gatewayAPI.httpRoute any more; nothing to release");
        }

        var route = await view.RouteAsync(new ObjectKey(md.Metadata.Namespace!, routeName), cancellationToken).ConfigureAwait(false);
        if (route is null)
        {
            return (EventType.Normal, Reasons.RouteReleased, $"HTTPRoute {routeName} is already gone; nothing to release");
        }

        if (RouteOptIn.Problem(route, name) is not null)
        {
            return (EventType.Warning, Reasons.RouteNotReleased,
                $"HTTPRoute {routeName} no longer opts in ({Annotations.ManagedByModelDeployment}: {name}), so the operator may not write it; remove its backendRefs to the Services of ModelDeployment {name} yourself");
        }

        var services = await view.OwnedAsync<Service>(md.Metadata.Namespace!, md.Metadata.Uid!, cancellationToken).ConfigureAwait(false);
        var ours = services.Select(s => s.Metadata.Name!)
            .Append(name)
            .Concat(new[] { md.Status?.StableRevision?.Name, md.Status?.CanaryRevision?.Name }.OfType<string>())
            .ToHashSet(StringComparer.Ordinal);
        if (HttpRouteRelease.Release(route, ours) is not { } released)
        {
            return (EventType.Normal, Reasons.RouteReleased, $"HTTPRoute {routeName} names none of the Services of ModelDeployment {name}; left as it is");
        }

        try
        {
            await client.Resource<HttpRoute>().UpdateAsync(released, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesNotFoundException)
        {
            return (EventType.Normal, Reasons.RouteReleased, $"HTTPRoute {routeName} is already gone; nothing to release");
        }
        catch (KubernetesApiException e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.UnprocessableEntity)
        {
            return (EventType.Warning, Reasons.RouteNotReleased,
                $"HTTPRoute {routeName} could not be written ({(int)e.StatusCode}: {e.Status.Message}); remove its backendRefs to the Services of ModelDeployment {name} yourself");
        }

        return (EventType.Normal, Reasons.RouteReleased,
            $"HTTPRoute {routeName} no longer sends traffic to the Services of ModelDeployment {name} (its backendRefs to them are removed; a rule left without backends answers 500)");
    }

    private static bool Has(ModelDeployment md) => md.Metadata.Finalizers?.Contains(Name) == true;

    /// <summary>A merge patch of the whole finalizer list, guarded by the resourceVersion (another finalizer added meanwhile is a conflict, retried).</summary>
    private Task<ModelDeployment> SetAsync(ModelDeployment md, bool present, CancellationToken cancellationToken)
    {
        var others = (md.Metadata.Finalizers ?? []).Where(f => f != Name);
        var list = present ? others.Append(Name).ToList() : others.ToList();
        var finalizers = list.Count == 0 ? null : new JsonArray(list.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
        var patch = Patch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = md.Metadata.ResourceVersion, ["finalizers"] = finalizers } });
        return client.Resource<ModelDeployment>().PatchAsync(ObjectKey.From(md), patch, cancellationToken: cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Finalizing ModelDeployment {Name}: {Reason}: {Message}")]
        public static partial void Finalized(ILogger logger, string name, string reason, string message);
    }
}
