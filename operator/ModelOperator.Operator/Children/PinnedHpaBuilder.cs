using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Children;

/// <summary>
/// Builds a revision's HorizontalPodAutoscaler (autoscaling/v2) pinned to the operator's own recommendation (pure):
/// <c>minReplicas = maxReplicas = recommended</c>. It does not autoscale by itself.
/// </summary>
/// <remarks>
/// The operator decides the replica count itself (<c>AutoscalingAdvisor</c>, from in-flight requests and p95 latency, with
/// scale-down stabilization kept in status) and writes it to the Deployment. The HPA pins the same number: the Kubernetes
/// HPA controller then agrees with the operator instead of fighting it, <c>kubectl get hpa</c> shows the recommendation,
/// and a cluster without a custom metrics adapter works (a pods metric would need one). The pinned count is never 0: an
/// HPA needs minReplicas ≥ 1, so a revision recommended at 0 gets no HPA.
/// </remarks>
public static class PinnedHpaBuilder
{
    /// <summary>
    /// The HPAs the plan wants: with <c>spec.autoscaling</c>, one per serving revision (stable, canary) that runs pods;
    /// none without it.
    /// </summary>
    public static IReadOnlyList<HorizontalPodAutoscaler> ForPlan(ModelDeployment md, IReadOnlyList<DesiredRevision> revisions)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(revisions);
        return md.Spec?.Autoscaling is null
            ? []
            : revisions.Where(r => r.Role is RevisionRole.Stable or RevisionRole.Canary && r.Replicas >= 1).Select(r => Build(md, r)).ToList();
    }

    public static HorizontalPodAutoscaler Build(ModelDeployment md, DesiredRevision revision)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(revision);
        ArgumentOutOfRangeException.ThrowIfLessThan(revision.Replicas, 1);
        return new HorizontalPodAutoscaler
        {
            Metadata = new ObjectMeta
            {
                Name = revision.Name,
                Namespace = md.Metadata.Namespace,
                Labels = ChildNames.RevisionLabels(md.Metadata.Name!, revision.Name),
                OwnerReferences = [ChildNames.OwnerOf(md)],
            },
            Spec = new HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = revision.Name },
                MinReplicas = revision.Replicas,
                MaxReplicas = revision.Replicas,
            },
        };
    }
}
