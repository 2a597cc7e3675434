using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Health;

/// <summary>Asks a serving pod's model server whether its model is ready, and if not, why.</summary>
public interface IModelReadinessProbe
{
    /// <summary>
    /// The server's answer, or null when it could not be asked or did not answer in a recognisable form (no IP yet,
    /// connection refused, timeout, unexpected body). Never throws but for cancellation.
    /// </summary>
    Task<ModelReadiness?> ProbeAsync(Pod pod, CancellationToken cancellationToken);
}
