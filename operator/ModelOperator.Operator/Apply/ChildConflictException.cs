namespace ModelOperator.Operator.Apply;

/// <summary>
/// An object the operator wanted to write belongs to someone else (a child name taken by an object this ModelDeployment
/// does not control, or an HTTPRoute that did not opt in). The operator leaves it untouched; the reconciler reports
/// <see cref="Reason"/> in a condition and a Warning Event and stops applying, so the rollout does not proceed on top of it.
/// </summary>
public sealed class ChildConflictException(string reason, string message) : Exception(message)
{
    /// <summary>The condition and Event reason (<c>ChildConflict</c>, <c>RouteNotOptedIn</c>).</summary>
    public string Reason { get; } = reason;
}
