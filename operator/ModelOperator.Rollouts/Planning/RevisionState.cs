using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// One revision as it exists in the cluster: its Deployment (labelled <c>modeloperator.io/deployment</c> and
/// <c>modeloperator.io/revision</c>) and the health of its pods.
/// </summary>
public sealed record RevisionState
{
    /// <summary>The revision name (the Deployment's name and its revision label).</summary>
    public required string Name { get; init; }

    /// <summary>The revision's spec as recorded on its Deployment; null when not recorded.</summary>
    public RevisionSpec? Spec { get; init; }

    /// <summary>The Deployment's <c>spec.replicas</c>.</summary>
    public int Replicas { get; init; }

    /// <summary>The Deployment's <c>status.readyReplicas</c>.</summary>
    public int ReadyReplicas { get; init; }

    /// <summary>The Deployment's <c>status.updatedReplicas</c>.</summary>
    public int UpdatedReplicas { get; init; }

    /// <summary>The Deployment's <c>status.availableReplicas</c>.</summary>
    public int AvailableReplicas { get; init; }

    /// <summary>True when the Deployment controller has observed the latest Deployment spec (<c>status.observedGeneration ≥ metadata.generation</c>).</summary>
    public bool Observed { get; init; } = true;

    /// <summary>Pod health: readiness, restarts, crash loops and the model server's not-ready reason.</summary>
    public PodHealth Health { get; init; } = PodHealth.None;

    /// <summary>Ready pods as far as traffic is concerned: the Deployment's count once observed, else the pods'.</summary>
    internal int Ready => Observed ? ReadyReplicas : Health.Ready;
}
