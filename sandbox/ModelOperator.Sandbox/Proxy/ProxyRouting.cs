using System.Globalization;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Sandbox.Proxy;

/// <summary>One ready pod a Service can send to: its name, the loopback port of its process, and of its gRPC service (0: none).</summary>
public readonly record struct Endpoint(string Pod, int Port, int GrpcPort = 0);

/// <summary>The decisions of the <see cref="ServiceProxy"/> (pure).</summary>
public static class ProxyRouting
{
    /// <summary>
    /// The ready endpoints of <paramref name="service"/>, ordered by pod name: pods in its namespace that match every
    /// entry of its selector (a Service without a selector has none), are not terminating, whose Ready condition is
    /// True and that carry the agent's <see cref="SandboxNames.PortAnnotation"/>.
    /// </summary>
    public static IReadOnlyList<Endpoint> ReadyEndpoints(Service service, IEnumerable<Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(pods);
        var selector = service.Spec?.Selector;
        if (selector is null || selector.Count == 0)
        {
            return [];
        }

        return pods
            .Where(p => p.Metadata.Namespace == service.Metadata.Namespace && p.Metadata.DeletionTimestamp is null)
            .Where(p => selector.All(s => p.Metadata.Labels is { } labels && labels.TryGetValue(s.Key, out var v) && v == s.Value))
            .Where(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
            .Select(p => (Pod: p, Port: AnnotatedPort(p, SandboxNames.PortAnnotation)))
            .Where(p => p.Port > 0)
            .Select(p => new Endpoint(p.Pod.Metadata.Name ?? string.Empty, p.Port, AnnotatedPort(p.Pod, SandboxNames.GrpcPortAnnotation)))
            .OrderBy(e => e.Pod, StringComparer.Ordinal)
            .ToList();
    }

    private static int AnnotatedPort(Pod pod, string annotation) =>
        pod.Metadata.Annotations is { } a && a.TryGetValue(annotation, out var text)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : 0;

    /// <summary>
    /// Weighted round robin: the <paramref name="counter"/>-th request (0-based) goes to the backend whose cumulative
    /// weight range holds counter mod Σweights. Weights 70/30: requests 0..69 of each hundred to the first, 70..99 to
    /// the second; 100/0 sends all to the first. Returns −1 when every weight is 0 (nothing may receive traffic).
    /// Negative weights count as 0.
    /// </summary>
    public static int PickWeighted(IReadOnlyList<int> weights, long counter)
    {
        ArgumentNullException.ThrowIfNull(weights);
        long total = weights.Sum(w => (long)Math.Max(0, w));
        if (total == 0)
        {
            return -1;
        }

        var slot = (long)((ulong)counter % (ulong)total);
        for (var i = 0; i < weights.Count; i++)
        {
            slot -= Math.Max(0, weights[i]);
            if (slot < 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The backend Services and weights of a route: every backendRef of every rule (weight 1 when unset, as the Gateway API defaults it).</summary>
    public static IReadOnlyList<(string Service, int Weight)> Backends(HttpRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return (route.Spec?.Rules ?? [])
            .SelectMany(r => r.BackendRefs ?? [])
            .Where(b => b.Kind is null or "Service" && string.IsNullOrEmpty(b.Group))
            .Select(b => (b.Name, b.Weight ?? 1))
            .ToList();
    }
}
