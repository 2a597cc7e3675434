using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Children;

/// <summary>
/// Builds a revision's HorizontalPodAutoscaler (autoscaling/v2) from the operator's own recommendation (pure).
/// </summary>
/// <remarks>
/// The operator decides the replica count itself (<c>AutoscalingAdvisor</c>, from in-flight requests and p95 latency, with
/// scale-down stabilization kept in status) and writes it to the Deployment. The HPA pins the same number with
/// <c>minReplicas = maxReplicas = recommended</c>: the Kubernetes HPA controller then agrees with the operator instead of
/// fighting it, <c>kubectl get hpa</c> shows the recommendation, and a cluster without a custom metrics adapter works
/// (a pods metric would need one). The chosen count is never 0 here: an HPA needs minReplicas ≥ 1, so a revision
/// recommended at 0 gets no HPA.
/// </remarks>
public static class HpaBuilder
{
    public static HorizontalPodAutoscaler Build(ModelDeployment md, string revision, int replicas)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentException.ThrowIfNullOrEmpty(revision);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        return new HorizontalPodAutoscaler
        {
            Metadata = new ObjectMeta
            {
                Name = revision,
                Namespace = md.Metadata.Namespace,
                Labels = ChildNames.RevisionLabels(md.Metadata.Name!, revision),
                OwnerReferences = [ChildNames.OwnerOf(md)],
            },
            Spec = new HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = revision },
                MinReplicas = replicas,
                MaxReplicas = replicas,
            },
        };
    }
}
