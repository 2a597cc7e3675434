using ModelOperator.Api.Schema;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api;

/// <summary>The PodDisruptionBudget of each serving revision: exactly one of maxUnavailable and minAvailable.</summary>
[Description("The PodDisruptionBudget of each serving revision: set exactly one of maxUnavailable or minAvailable, each a pod count (e.g. 1) or a percentage of the revision's pods (e.g. \"25%\").")]
[CelRule(Rule, Message)]
public sealed record DisruptionBudgetSpec
{
    /// <summary>The CRD's rule: exactly one of the two.</summary>
    public const string Rule = "has(self.maxUnavailable) != has(self.minAvailable)";

    /// <summary>The CRD rule's message.</summary>
    public const string Message = "set exactly one of disruptionBudget.maxUnavailable or disruptionBudget.minAvailable";

    /// <summary>A percentage written as a string: whole numbers from 0 to 100 followed by '%'.</summary>
    public const string PercentPattern = "^(100|[1-9]?[0-9])%$";

    [Description("The most pods of the revision that may be unavailable during a voluntary disruption: a count (0 or more) or a percentage such as \"25%\".")]
    public IntOrString? MaxUnavailable { get; init; }

    [Description("The fewest pods of the revision that must stay available during a voluntary disruption: a count (0 or more) or a percentage such as \"75%\".")]
    public IntOrString? MinAvailable { get; init; }
}
