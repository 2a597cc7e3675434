using ModelOperator.Api;

namespace ModelOperator.Rollouts.Planning;

/// <summary>The steps a rollout runs, as the planner runs them; what <c>kubectl model</c> shows as the position too.</summary>
public static class RolloutSteps
{
    private static readonly IReadOnlyList<RolloutStep> Implicit = [new RolloutStep { SetWeight = 100 }];

    /// <summary>
    /// <c>spec.rollout.steps</c>, or, when there are none, one implicit <c>setWeight: 100</c>: a canary without steps
    /// takes all the traffic once ready and is then promoted, so its position reads <c>1/1 (setWeight 100%)</c>, never <c>0/0</c>.
    /// </summary>
    public static IReadOnlyList<RolloutStep> Effective(RolloutSpec? rollout) =>
        rollout?.Steps is { Count: > 0 } given ? given : Implicit;
}
