using ModelOperator.Api.Schema;

namespace ModelOperator.Api;

/// <summary>The numbers of a shadow step's last analysis run, carried by <see cref="RolloutDecision.Shadow"/>.</summary>
[Description("The numbers of a shadow step's last analysis run, measured on the copies the stable revision's servers sent the canary.")]
public sealed record ShadowDecision
{
    [Description("The share of live requests copied to the canary, in percent.")]
    public int? Percent { get; init; }

    [Description("How long the shadow step lasts at least, as a duration.")]
    public string? Duration { get; init; }

    [Description("Copies whose answers were compared in the window.")]
    public long? ComparedCopies { get; init; }

    [Description("The share (0 to 1) of compared copies whose answer differed from stable's by more than the tolerance.")]
    public double? Disagreement { get; init; }

    [Description("The share (0 to 1) of copies the canary failed (an error or no answer in time): failed / (compared + failed).")]
    public double? CandidateErrorRate { get; init; }

    [Description("The canary's 99th percentile latency on the copies, as a duration.")]
    public string? CandidateP99Latency { get; init; }
}
