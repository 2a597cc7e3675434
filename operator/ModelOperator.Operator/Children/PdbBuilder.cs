using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Children;

/// <summary>
/// Builds a serving revision's PodDisruptionBudget (policy/v1, pure): named like the revision, owned by the
/// ModelDeployment (deleted with it), selecting the revision's pods, with the budget
/// <see cref="RevisionDisruptionBudget"/> decides.
/// </summary>
public static class PdbBuilder
{
    /// <summary>The budgets the plan's revisions want (<see cref="RevisionDisruptionBudget.For"/>): one per serving revision that has one.</summary>
    public static IReadOnlyList<PodDisruptionBudget> ForPlan(ModelDeployment md, IReadOnlyList<DesiredRevision> revisions)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(revisions);
        var wanted = new List<PodDisruptionBudget>();
        foreach (var revision in revisions)
        {
            if (RevisionDisruptionBudget.For(revision.Spec?.Runtime, revision.Replicas) is { } budget)
            {
                wanted.Add(Build(md, revision.Name, budget));
            }
        }

        return wanted;
    }

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
