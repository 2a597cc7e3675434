using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Children;

/// <summary>
/// Sets the stable/canary weights on a user's HTTPRoute (pure). The route belongs to the user (it names the Gateway and
/// the matches), so it gets no owner reference; the operator only rewrites the backendRefs of every rule to the two
/// revision Services: <c>stable: 100 − w</c>, <c>canary: w</c> (the canary backend is left out when there is no canary).
/// </summary>
public static class HttpRouteWeights
{
    public static HttpRoute Apply(HttpRoute route, string stableService, string? canaryService, int canaryWeight)
    {
        ArgumentNullException.ThrowIfNull(route);
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
            ? existing.Select(r => r with { BackendRefs = backends }).ToList()
            : [new HttpRouteRule { BackendRefs = backends }];
        return route with { Spec = spec with { Rules = rules } };
    }
}
