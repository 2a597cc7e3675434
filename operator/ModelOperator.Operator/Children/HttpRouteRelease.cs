using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Children;

/// <summary>
/// What a ModelDeployment leaves on a user's HTTPRoute when it is deleted (pure): every backendRef that names one of its
/// Services is removed, since those Services go with it. Everything else stays: other rules, other backendRefs, the
/// matches and filters of its own rules, and the opt-in annotation (the route is the user's). A rule left with no
/// backendRef keeps its matches; a Gateway then answers them with an error (the Gateway API has a rule without a valid
/// backend return HTTP 500) instead of forwarding to a Service that no longer exists or falling through to another rule.
/// </summary>
public static class HttpRouteRelease
{
    /// <param name="route">The observed route.</param>
    /// <param name="ours">The names of the ModelDeployment's Services (main and revisions).</param>
    /// <returns>The route without those backendRefs, or null when it names none of them (nothing to write).</returns>
    public static HttpRoute? Release(HttpRoute route, IReadOnlySet<string> ours)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(ours);
        var rules = route.Spec?.Rules;
        if (rules is null || !rules.Any(r => r.BackendRefs?.Any(b => HttpRouteWeights.IsOurs(b, ours)) == true))
        {
            return null;
        }

        var kept = rules.Select(r => r.BackendRefs?.Any(b => HttpRouteWeights.IsOurs(b, ours)) == true
            ? r with { BackendRefs = r.BackendRefs.Where(b => !HttpRouteWeights.IsOurs(b, ours)).ToList() }
            : r).ToList();
        return route with { Spec = route.Spec! with { Rules = kept } };
    }
}
