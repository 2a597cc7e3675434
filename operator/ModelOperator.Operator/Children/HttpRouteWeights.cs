using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Children;

/// <summary>
/// Sets the stable/canary weights on a user's HTTPRoute (pure). The route belongs to the user (it names the Gateway and
/// the matches), so it gets no owner reference, and the operator writes it only when it opted in
/// (<see cref="Annotations.ManagedByModelDeployment"/> naming the ModelDeployment: the planner checks it, <see cref="RouteOptIn"/>).
/// Only the backendRefs of the rules that point at the ModelDeployment's Services are rewritten, to the two revision Services: <c>stable: 100 − w</c>,
/// <c>canary: w</c> (the canary backend is left out when there is no canary); every other rule stays as it is.
/// </summary>
public static class HttpRouteWeights
{
    /// <summary>The route with the weights of <paramref name="traffic"/>: its first backend stable, the second (if any) the canary.</summary>
    public static HttpRoute ForTraffic(HttpRoute route, IReadOnlySet<string> ours, TrafficPlan traffic)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        var canary = traffic.Backends.Count > 1 ? traffic.Backends[1] : null;
        return Apply(route, ours, traffic.Backends[0].Revision, canary?.Revision, canary?.Weight ?? 0);
    }

    /// <param name="route">The observed route.</param>
    /// <param name="ours">The names of the ModelDeployment's Services (main and revisions): a rule with a backendRef to one of them is rewritten.</param>
    /// <param name="stableService">The stable revision's Service.</param>
    /// <param name="canaryService">The canary revision's Service, or null.</param>
    /// <param name="canaryWeight">The canary's share in percent.</param>
    public static HttpRoute Apply(HttpRoute route, IReadOnlySet<string> ours, string stableService, string? canaryService, int canaryWeight)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentException.ThrowIfNullOrEmpty(stableService);
        ArgumentOutOfRangeException.ThrowIfLessThan(canaryWeight, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(canaryWeight, 100);
        var backends = new List<HttpBackendRef>
        {
            new() { Name = stableService, Port = ChildNames.ServicePort, Weight = canaryService is null ? 100 : 100 - canaryWeight },
        };
        if (canaryService is not null)
        {
            backends.Add(new() { Name = canaryService, Port = ChildNames.ServicePort, Weight = canaryWeight });
        }

        var spec = route.Spec ?? new HttpRouteSpec();
        var rules = spec.Rules is { Count: > 0 } existing
            ? existing.Select(r => PointsAt(r, ours) ? r with { BackendRefs = backends } : r).ToList()
            : [new HttpRouteRule { BackendRefs = backends }];
        return route with { Spec = spec with { Rules = rules } };
    }

    /// <summary>A rule is the ModelDeployment's when one of its backendRefs names one of its Services.</summary>
    private static bool PointsAt(HttpRouteRule rule, IReadOnlySet<string> ours) => rule.BackendRefs?.Any(b => IsOurs(b, ours)) == true;

    /// <summary>Whether <paramref name="backend"/> names one of the Services in <paramref name="ours"/> (a core Service: no group, kind Service).</summary>
    public static bool IsOurs(HttpBackendRef backend, IReadOnlySet<string> ours) =>
        backend.Name is { } name && ours.Contains(name) && string.IsNullOrEmpty(backend.Group) && (backend.Kind ?? "Service") == "Service";
}
