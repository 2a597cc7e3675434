namespace ModelOperator.Api;

/// <summary>
/// Every condition reason and decision reason the operator writes, in one place. Reasons are CamelCase
/// (metav1.Condition requires <c>^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$</c>).
/// </summary>
public static class Reasons
{
    public const string Progressing = "Progressing";
    public const string StepComplete = "StepComplete";
    public const string Paused = "Paused";
    public const string Promoted = "Promoted";
    public const string AnalysisPassed = "AnalysisPassed";
    public const string AnalysisFailed = "AnalysisFailed";
    public const string AnalysisInconclusive = "AnalysisInconclusive";
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";
    public const string CrashLoop = "CrashLoop";
    public const string NotReady = "NotReady";
    public const string ModelLoadFailed = "ModelLoadFailed";

    /// <summary><c>ModelReady=True</c>: the pods of the spec's revision loaded its model.</summary>
    public const string ModelLoaded = "ModelLoaded";
    public const string ChecksumMismatch = "ChecksumMismatch";
    public const string ChecksumVerified = "ChecksumVerified";
    public const string HighErrorRate = "HighErrorRate";
    public const string HighLatency = "HighLatency";
    public const string PredictionDrift = "PredictionDrift";
    public const string FeatureDrift = "FeatureDrift";

    /// <summary>A user metric (spec.rollout.analysis.metrics) was below its min or above its max.</summary>
    public const string MetricOutOfRange = "MetricOutOfRange";

    /// <summary>The canary's inputs broke a data-quality limit (unseen categories, NaN or infinite values, values out of range); the decision names the column.</summary>
    public const string DataQuality = "DataQuality";

    /// <summary>A shadow step's copies disagreed with stable's answers more than <c>maxShadowDisagreement</c> allows.</summary>
    public const string ShadowDisagreement = "ShadowDisagreement";

    /// <summary>A confirm webhook has not answered 2xx yet: the rollout waits at its point.</summary>
    public const string WaitingForConfirmation = "WaitingForConfirmation";

    /// <summary>A check webhook has not answered yet: the rollout waits at its point (bounded by its timeout and retries).</summary>
    public const string WaitingForWebhook = "WaitingForWebhook";

    /// <summary>A check webhook failed (non-2xx, timeout, redirect) more often than failureLimit allows; the decision names it.</summary>
    public const string WebhookCheckFailed = "WebhookCheckFailed";

    /// <summary>A webhook's header names a Secret or key that is missing or unreadable: the call was not sent (Warning Event). A web metric's is inconclusive instead (AnalysisInconclusive).</summary>
    public const string SecretUnavailable = "SecretUnavailable";
    public const string ManualAbort = "ManualAbort";
    public const string ManualPromote = "ManualPromote";
    public const string ManualRetry = "ManualRetry";
    public const string Undo = "Undo";
    public const string Quarantined = "Quarantined";
    public const string InvalidSpec = "InvalidSpec";
    public const string ImageNotAllowed = "ImageNotAllowed";
    public const string TolerationNotAllowed = "TolerationNotAllowed";
    public const string ChildConflict = "ChildConflict";
    public const string RouteNotOptedIn = "RouteNotOptedIn";
    public const string RouteReleased = "RouteReleased";
    public const string RouteNotReleased = "RouteNotReleased";
    public const string InvalidAction = "InvalidAction";
    public const string BakeFailed = "BakeFailed";

    /// <summary>A bake window ended without one analysis run passing (too few samples, no data): the promotion is unproven.</summary>
    public const string BakeInconclusive = "BakeInconclusive";
    public const string Baking = "Baking";
    public const string Healthy = "Healthy";
}
