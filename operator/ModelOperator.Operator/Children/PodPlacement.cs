using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Children;

/// <summary>
/// Shapes a revision's pod template from <c>spec.runtime</c> (pure): where the pods may run (affinity, topology spread,
/// priority), who they run as (service account, image pull Secrets), extra pod labels and annotations, and envFrom. The
/// operator's own labels and annotations win over the user's (the validator refuses a conflict; this keeps the rule even
/// for a spec it never saw). Every field here is part of the revision name, so a change rolls out as a canary.
/// </summary>
public static class PodPlacement
{
    /// <summary>The node label of the default spread: one domain per node.</summary>
    public const string HostnameTopologyKey = "kubernetes.io/hostname";

    /// <summary>The deployment with its pod template shaped by <paramref name="runtime"/>.</summary>
    /// <param name="deployment">The revision's Deployment as the builder made it (labels, selector, container).</param>
    /// <param name="runtime">The revision's runtime.</param>
    /// <param name="spreadByDefault">Whether to spread the pods over nodes when the runtime names no spread of its own:
    /// see <see cref="SpreadsByDefault"/>.</param>
    public static Deployment Apply(Deployment deployment, RuntimeSpec runtime, bool spreadByDefault)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(runtime);
        var template = deployment.Spec?.Template ?? throw new ArgumentException("The Deployment has no pod template.", nameof(deployment));
        var spec = template.Spec ?? throw new ArgumentException("The Deployment's pod template has no spec.", nameof(deployment));
        var selector = deployment.Spec!.Selector?.MatchLabels;
        var containers = spec.Containers?.Select(c => c.Name == ChildNames.Container && runtime.EnvFrom is { Count: > 0 } envFrom ? c with { EnvFrom = envFrom } : c).ToList();
        var shaped = template with
        {
            Metadata = (template.Metadata ?? new ObjectMeta()) with
            {
                Labels = Merge(runtime.Labels, template.Metadata?.Labels),
                Annotations = Merge(runtime.Annotations, template.Metadata?.Annotations),
            },
            Spec = spec with
            {
                Containers = containers,
                ServiceAccountName = runtime.ServiceAccountName,
                ImagePullSecrets = runtime.ImagePullSecrets is { Count: > 0 } pullSecrets ? pullSecrets : null,
                Affinity = runtime.Affinity,
                TopologySpreadConstraints = Spread(runtime.TopologySpreadConstraints, selector, spreadByDefault),
                PriorityClassName = runtime.PriorityClassName,
            },
        };
        return deployment with { Spec = deployment.Spec with { Template = shaped } };
    }

    /// <summary>
    /// Whether a ModelDeployment's revisions spread over nodes by default: when it may run 2 or more pods (spec.replicas,
    /// or autoscaling.maxReplicas). Decided on the ModelDeployment, not on a revision's current count, so that a canary
    /// growing from 1 pod to 2 does not change its pod template (which would restart its pods).
    /// </summary>
    public static bool SpreadsByDefault(ModelDeploymentSpec? spec) =>
        (spec?.Autoscaling?.MaxReplicas ?? spec?.Replicas ?? 0) >= 2;

    /// <summary>The user's spread rules; else, when <paramref name="byDefault"/>, one soft rule over nodes selecting the revision's pods.</summary>
    internal static IReadOnlyList<TopologySpreadConstraint>? Spread(IReadOnlyList<TopologySpreadConstraint>? own, IReadOnlyDictionary<string, string>? revisionSelector, bool byDefault)
    {
        if (own is not null)
        {
            return own.Count > 0 ? own : null; // an empty list turns the default off
        }

        if (!byDefault || revisionSelector is null)
        {
            return null;
        }

        return
        [
            new TopologySpreadConstraint
            {
                MaxSkew = 1,
                TopologyKey = HostnameTopologyKey,
                WhenUnsatisfiable = "ScheduleAnyway",
                LabelSelector = new LabelSelector { MatchLabels = new SortedDictionary<string, string>(revisionSelector.ToDictionary(), StringComparer.Ordinal) },
            },
        ];
    }

    /// <summary>The user's entries overlaid by the operator's (the operator's win); null when both are empty.</summary>
    private static Dictionary<string, string>? Merge(IReadOnlyDictionary<string, string>? user, IReadOnlyDictionary<string, string>? ours)
    {
        if (user is not { Count: > 0 } && ours is not { Count: > 0 })
        {
            return null;
        }

        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in user ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        foreach (var (key, value) in ours ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return merged;
    }
}
