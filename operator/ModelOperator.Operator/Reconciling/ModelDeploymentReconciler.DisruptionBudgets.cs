using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Children;

namespace ModelOperator.Operator.Reconciling;

/// <summary>The PodDisruptionBudget of each serving revision, applied beside its Deployment.</summary>
public sealed partial class ModelDeploymentReconciler
{
    /// <summary>
    /// Ensures a PodDisruptionBudget for every revision that serves pods and has a budget (<see cref="PdbBuilder.BudgetFor"/>),
    /// and deletes the operator's budgets of revisions that no longer have one.
    /// </summary>
    /// <param name="md">The ModelDeployment.</param>
    /// <param name="serving">Each revision with a Deployment: its name, the runtime it was built from, its desired pods.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    private async Task ApplyDisruptionBudgetsAsync(ModelDeployment md, IReadOnlyList<(string Name, RuntimeSpec? Runtime, int Replicas)> serving, CancellationToken cancellationToken)
    {
        var observed = await view.OwnedAsync<PodDisruptionBudget>(md.Metadata.Namespace!, md.Metadata.Uid!, cancellationToken).ConfigureAwait(false);
        var byName = observed.ToDictionary(p => p.Metadata.Name!, StringComparer.Ordinal);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, runtime, replicas) in serving)
        {
            if (replicas < 1 || PdbBuilder.BudgetFor(runtime, replicas) is not { } budget)
            {
                continue;
            }

            wanted.Add(name);
            var (_, outcome) = await _applier.EnsureAsync(PdbBuilder.Build(md, name, budget), byName.GetValueOrDefault(name), cancellationToken).ConfigureAwait(false);
            LogOutcome("PodDisruptionBudget", name, outcome);
        }

        foreach (var stale in observed.Where(p => !wanted.Contains(p.Metadata.Name!)))
        {
            LogOutcome("PodDisruptionBudget", stale.Metadata.Name!, await _applier.DeleteAsync(stale, cancellationToken).ConfigureAwait(false));
        }
    }
}
