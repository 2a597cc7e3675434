namespace ModelOperator.Rollouts.Analysis;

/// <summary>The names of what the analysis judges, as written to <c>status.lastDecision.metric</c>.</summary>
public static class MetricNames
{
    /// <summary>Share of failed requests in the window, 0 to 1.</summary>
    public const string ErrorRate = "errorRate";

    /// <summary>99th percentile request latency in the window, in seconds.</summary>
    public const string P99Latency = "p99Latency";

    /// <summary>PSI between the canary's and the stable revision's prediction distributions.</summary>
    public const string PredictionDrift = "predictionDrift";

    /// <summary>PSI between the canary's live features and the reference profile (worst feature).</summary>
    public const string FeatureDrift = "featureDrift";

    /// <summary>Share of a feature's values that are not a category of the revision's reference profile (worst feature).</summary>
    public const string UnseenCategoryShare = "unseenCategoryShare";

    /// <summary>Share of a feature's values that are NaN or infinite (worst feature).</summary>
    public const string NonFiniteShare = "nonFiniteShare";

    /// <summary>Share of a feature's values outside the reference profile's min and max (worst feature).</summary>
    public const string OutOfRangeShare = "outOfRangeShare";

    /// <summary>Share of the shadow copies compared in the window whose answer was outside the tolerance, 0 to 1.</summary>
    public const string ShadowDisagreement = "shadowDisagreement";

    /// <summary>Ready pods of the revision against the desired count.</summary>
    public const string PodsReady = "podsReady";

    /// <summary>Container restarts of the revision's pods.</summary>
    public const string Restarts = "restarts";

    /// <summary>A pod of the revision is in CrashLoopBackOff.</summary>
    public const string CrashLoop = "crashLoop";

    /// <summary>The model server reported that the model could not be loaded (with its reason word).</summary>
    public const string ModelLoad = "modelLoad";
}
