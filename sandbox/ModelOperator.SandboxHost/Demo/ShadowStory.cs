using System.Globalization;
using ModelOperator.Api;

namespace ModelOperator.SandboxHost.Demo;

/// <summary>
/// A shadow step's decision in plain words, for the demo (pure): which version got copies of how much of the traffic,
/// how many were compared, how many disagreed beyond the tolerance, and what that decided. Every number comes from the
/// object: the copies from <c>status.lastDecision.shadow</c>, the tolerance and the allowed share from
/// <c>spec.rollout.analysis</c>; "before it answered any user" holds because a shadow step comes before every
/// <c>setWeight</c> above 0 (validation refuses any other order), so the canary's weight was 0 all along.
/// </summary>
public static class ShadowStory
{
    /// <summary>
    /// The line for <paramref name="now"/>'s decision when it carries shadow numbers, else null. Example:
    /// <c>  shadow: v3 got a copy of 50 % of the requests; 712 compared, 93.1 % disagree beyond 0.05 (at most 5 % may) → rolled back before it answered any user</c>.
    /// </summary>
    public static string? Describe(ModelDeployment? before, ModelDeployment now)
    {
        ArgumentNullException.ThrowIfNull(now);
        if (now.Status?.LastDecision is not { Shadow: { } numbers } decision)
        {
            return null;
        }

        // After a rollback the status names no canary any more: the version is the one the last picture showed.
        var version = (now.Status.CanaryRevision ?? before?.Status?.CanaryRevision)?.ModelVersion;
        var analysis = now.Spec?.Rollout?.Analysis;
        var text = Invariant($"  shadow: {(version is null ? "the canary" : "v" + version)} got a copy of {numbers.Percent} % of the requests; ");
        text += numbers.ComparedCopies is { } compared ? Invariant($"{compared} compared") : "none compared yet";
        if (numbers.Disagreement is { } disagreement)
        {
            text += Invariant($", {Percent(disagreement)} % disagree beyond {Number(analysis?.ShadowTolerance ?? ModelDeploymentDefaults.ShadowTolerance)}");
            if (analysis?.MaxShadowDisagreement is { } allowed)
            {
                text += Invariant($" (at most {Percent(allowed)} % may)");
            }
        }

        return $"{text} → {Outcome(decision)}";
    }

    private static string Outcome(RolloutDecision decision) => decision.Action switch
    {
        DecisionActions.Rollback => "rolled back before it answered any user",
        DecisionActions.Proceed => "passed",
        DecisionActions.Pause when decision.Reason == Reasons.AnalysisInconclusive => "too few to judge yet",
        DecisionActions.Pause => Invariant($"{decision.Reason}, a failure within the failureLimit"),
        _ => Invariant($"{decision.Action} ({decision.Reason})"),
    };

    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
