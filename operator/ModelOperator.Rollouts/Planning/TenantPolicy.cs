using ModelOperator.Api;
using ModelOperator.Api.Validation;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// What the cluster admin allows a ModelDeployment (pure): a valid spec may still ask for more than its author may
/// have. The image must come from the admin's allowlist (the operator's own default image is always allowed), and
/// tolerations that would put serving pods on control-plane nodes need the admin's opt-in. A refusal is a problem on
/// the field with the reason word the status condition and the Event carry.
/// </summary>
public static class TenantPolicy
{
    /// <summary>The taint keys of control-plane nodes (the current one and the one before Kubernetes 1.24).</summary>
    public static IReadOnlyList<string> ControlPlaneTaints { get; } = ["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"];

    /// <summary>Every refusal of <paramref name="spec"/> under <paramref name="settings"/>, in field order; empty when allowed.</summary>
    public static IReadOnlyList<(string Reason, FieldProblem Problem)> Check(ModelDeploymentSpec spec, OperatorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(settings);
        var refusals = new List<(string, FieldProblem)>();
        if (spec.Runtime?.Image is { Length: > 0 } image && !IsImageAllowed(image, settings.DefaultImage, settings.ImageAllowlist))
        {
            refusals.Add((Reasons.ImageNotAllowed, new FieldProblem("spec.runtime.image",
                $"\"{image}\" is not allowed by the operator's image allowlist ({string.Join(", ", settings.ImageAllowlist)}); use an image under one of them, or leave spec.runtime.image out for the default {settings.DefaultImage}")));
        }

        if (!settings.AllowControlPlaneTolerations)
        {
            var tolerations = spec.Runtime?.Tolerations ?? [];
            for (var i = 0; i < tolerations.Count; i++)
            {
                if (ControlPlaneToleration(tolerations[i]) is { } what)
                {
                    refusals.Add((Reasons.TolerationNotAllowed, new FieldProblem($"spec.runtime.tolerations[{i}]",
                        $"{what} would let serving pods run on control-plane nodes, which the operator's settings do not allow (ALLOW_CONTROL_PLANE_TOLERATIONS, chart value operator.allowControlPlaneTolerations); tolerate only your own taints by key")));
                }
            }
        }

        return refusals;
    }

    /// <summary>
    /// True when <paramref name="image"/> is the default image, the allowlist is empty (no restriction), or it starts with
    /// an entry at a boundary: the entry ends with '/' or ':' or the image goes on with '/', ':' or '@' (so the entry
    /// <c>registry.example.com/team</c> allows <c>registry.example.com/team/server:1</c> but not <c>registry.example.com/teamevil/x</c>).
    /// </summary>
    public static bool IsImageAllowed(string image, string defaultImage, IReadOnlyList<string> allowlist)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(allowlist);
        if (allowlist.Count == 0 || string.Equals(image, defaultImage, StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var entry in allowlist)
        {
            if (entry.Length == 0 || !image.StartsWith(entry, StringComparison.Ordinal))
            {
                continue;
            }

            if (image.Length == entry.Length || entry[^1] is '/' or ':' || image[entry.Length] is '/' or ':' or '@')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How the toleration reaches control-plane nodes, or null when it does not.</summary>
    private static string? ControlPlaneToleration(Toleration toleration)
    {
        if (string.IsNullOrEmpty(toleration.Key))
        {
            return toleration.Operator == "Exists" ? "a toleration with operator Exists and no key (it tolerates every taint)" : null;
        }

        return ControlPlaneTaints.Contains(toleration.Key, StringComparer.Ordinal) ? $"a toleration of the taint {toleration.Key}" : null;
    }
}
