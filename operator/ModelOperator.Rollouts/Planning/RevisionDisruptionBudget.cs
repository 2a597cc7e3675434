using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// The disruption budget a serving revision gets: <c>spec.runtime.disruptionBudget</c> when set; without one, a revision
/// of 2 or more pods gets <c>maxUnavailable: 1</c> (a node drain takes its pods one at a time) and a revision of 1 pod
/// gets none (a budget that allows 0 disruptions would block every drain of its node).
/// </summary>
public static class RevisionDisruptionBudget
{
    /// <summary>The budget a revision of 2 or more pods gets without <c>spec.runtime.disruptionBudget</c>.</summary>
    public static DisruptionBudgetSpec Default { get; } = new() { MaxUnavailable = IntOrString.FromInt(1) };

    /// <summary>The budget of a revision running <paramref name="replicas"/> pods, or null for none.</summary>
    public static DisruptionBudgetSpec? For(RuntimeSpec? runtime, int replicas) =>
        replicas < 1 ? null : runtime?.DisruptionBudget ?? (replicas >= 2 ? Default : null);
}
