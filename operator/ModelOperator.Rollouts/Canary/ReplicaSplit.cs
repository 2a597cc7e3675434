namespace ModelOperator.Rollouts.Canary;

/// <summary>The replicas wanted for the stable and the canary revision at one moment of a rollout.</summary>
/// <param name="Stable">Replicas of the stable revision (its Deployment's <c>spec.replicas</c>).</param>
/// <param name="Canary">Replicas of the canary revision.</param>
public readonly record struct ReplicaSplit(int Stable, int Canary)
{
    /// <summary>Stable plus canary: the number of pods the split runs (may exceed the requested total by one, see <see cref="CanaryMath"/>).</summary>
    public int Total => Stable + Canary;
}
