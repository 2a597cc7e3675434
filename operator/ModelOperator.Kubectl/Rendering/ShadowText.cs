using System.Globalization;
using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Kubectl.Rendering;

/// <summary>How a running shadow step reads: its share and duration, and what the stable servers saw of the copies.</summary>
internal static class ShadowText
{
    /// <summary>
    /// <c>shadow 20 % for 10m, 1234 copies compared, 0.4 % disagree, 0 % failed, p99 12ms</c> while the canary is at a
    /// shadow step (the numbers from <c>status.lastDecision.shadow</c>, or <c>no copies compared yet</c>); null otherwise.
    /// </summary>
    public static string? Progress(ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(md);
        var steps = RolloutSteps.Effective(md.Spec?.Rollout);
        if (md.Status is not { CanaryRevision: not null, CurrentStepIndex: { } index } status || index >= steps.Count || steps[index].Shadow is not { } shadow)
        {
            return null;
        }

        var text = Invariant($"shadow {shadow.Percent} % for {shadow.Duration}");
        if (status.LastDecision?.Shadow is not { ComparedCopies: { } compared } numbers)
        {
            return text + ", no copies compared yet";
        }

        text += Invariant($", {compared} copies compared");
        if (numbers.Disagreement is { } disagreement)
        {
            text += Invariant($", {Percent(disagreement)} % disagree");
        }

        if (numbers.CandidateErrorRate is { } errors)
        {
            text += Invariant($", {Percent(errors)} % failed");
        }

        return numbers.CandidateP99Latency is { } p99 ? $"{text}, p99 {p99}" : text;
    }

    private static string Percent(double share) => (share * 100).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
