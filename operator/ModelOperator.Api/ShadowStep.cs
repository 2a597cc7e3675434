using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>
/// A shadow step: the candidate revision runs and answers copies of live requests that the stable revision's servers
/// send it, while users get stable's answers only. The stable servers compare each copy's answer with their own; the
/// step passes after <see cref="Duration"/> once an analysis over a full interval in the step passed.
/// </summary>
[Description("A shadow step: the canary runs with no user traffic and gets a copy of percent of live requests from the stable revision's servers, which compare its answers with their own. It ends after duration once an analysis run over a full interval of the step passed (maxShadowDisagreement, maxErrorRate and maxP99Latency judged on the copies); a failure rolls back.")]
public sealed record ShadowStep
{
    /// <summary>The CRD rule of <see cref="RolloutSpec"/>: a shadow step is judged by rollout.analysis.</summary>
    public const string NeedsAnalysisRule = "!has(self.steps) || !self.steps.exists(s, has(s.shadow)) || has(self.analysis)";

    public const string NeedsAnalysisMessage = "a shadow step needs rollout.analysis (the thresholds its copies are judged by, e.g. maxShadowDisagreement)";

    [Description("The share of live requests copied to the canary, 1-100 percent.")]
    [Required]
    [Range(1, 100, Allowed = "a percentage from {0} to {1}")]
    public int? Percent { get; init; }

    [Description("How long the canary gets copies at least, as a duration (e.g. 10m); the step then ends once an analysis run passed.")]
    [Required]
    [Duration]
    public string? Duration { get; init; }
}
