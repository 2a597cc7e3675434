using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Autoscaling;

namespace ModelOperator.Operator.Load;

/// <summary>What a revision's pods are doing now, for the autoscaling hints. Unknown values are NaN; it never throws but for cancellation.</summary>
public interface ILoadSource
{
    Task<LoadObservation> ObserveAsync(string revision, IReadOnlyList<Pod> pods, DateTimeOffset now, CancellationToken cancellationToken);
}
