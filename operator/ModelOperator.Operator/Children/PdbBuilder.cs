using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Children;

/// <summary>
/// Builds a serving revision's PodDisruptionBudget (policy/v1, pure): named like the revision, owned by the
/// ModelDeployment (deleted with it), selecting the revision's pods. <c>spec.runtime.disruptionBudget</c> sets it; without
/// one, a revision of 2 or more replicas gets <c>maxUnavailable: 1</c> (a node drain takes its pods one at a time) and a
/// revision of 1 replica gets none (a budget of 0 disruptions would block every drain of its node).
/// </summary>
public static class PdbBuilder
{
    /// <summary>The budget a revision gets without <c>spec.runtime.disruptionBudget</c>.</summary>
    public static DisruptionBudgetSpec DefaultBudget { get; } = new() { MaxUnavailable = IntOrString.FromInt(1) };

    /// <summary>The budget of a revision running <paramref name="replicas"/> pods: the spec's, the default from 2 pods, else none.</summary>
    public static DisruptionBudgetSpec? BudgetFor(RuntimeSpec? runtime, int replicas) =>
        runtime?.DisruptionBudget ?? (replicas >= 2 ? DefaultBudget : null);

    public static PodDisruptionBudget Build(ModelDeployment md, string revision, DisruptionBudgetSpec budget)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentException.ThrowIfNullOrEmpty(revision);
        ArgumentNullException.ThrowIfNull(budget);
        var name = md.Metadata.Name!;
        return new PodDisruptionBudget
        {
            Metadata = new ObjectMeta
            {
                Name = revision,
                Namespace = md.Metadata.Namespace,
                Labels = ChildNames.RevisionLabels(name, revision),
                OwnerReferences = [ChildNames.OwnerOf(md)],
            },
            Spec = new PodDisruptionBudgetSpec
            {
                MaxUnavailable = budget.MaxUnavailable,
                MinAvailable = budget.MaxUnavailable is null ? budget.MinAvailable : null,
                Selector = new LabelSelector { MatchLabels = ChildNames.RevisionSelector(name, revision) },
            },
        };
    }
}
