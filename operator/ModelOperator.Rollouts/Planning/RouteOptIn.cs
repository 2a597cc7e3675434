using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// Whether the planner may have the HTTPRoute of <c>spec.rollout.trafficRouting.gatewayAPI.httpRoute</c> written. The
/// route belongs to the user (it names the Gateway and the matches), so the operator changes it only when it opted in
/// with <see cref="Annotations.ManagedByModelDeployment"/> naming the ModelDeployment, and says so when it is missing.
/// </summary>
public static class RouteOptIn
{
    /// <summary>Null when <paramref name="route"/> opted in to <paramref name="modelDeployment"/>; else why it may not be written.</summary>
    public static string? Problem(HttpRoute route, string modelDeployment)
    {
        ArgumentNullException.ThrowIfNull(route);
        var named = route.Metadata.Annotations?.GetValueOrDefault(Annotations.ManagedByModelDeployment);
        if (named == modelDeployment)
        {
            return null;
        }

        var found = named is null ? "has no annotation" : $"has the annotation {Annotations.ManagedByModelDeployment}: {named}";
        return $"HTTPRoute {route.Metadata.Name} {found}; the operator changes a route only when it opts in: "
            + $"annotate it with {Annotations.ManagedByModelDeployment}: {modelDeployment} to let ModelDeployment {modelDeployment} set the weights of its rules that point at its Services";
    }

    /// <summary>What the Warning Event says while the named route does not exist (the Services are made all the same).</summary>
    public static string Missing(string? route, string? @namespace) =>
        $"HTTPRoute {route} named by spec.rollout.trafficRouting.gatewayAPI.httpRoute does not exist in namespace {@namespace}; create it or switch to replicas routing";
}
