namespace ModelOperator.Contracts;

/// <summary>The drift families the operator reads for the stable revision's drift state (status.stableDrift, alerts).</summary>
public static partial class ModelServerMetricNames
{
    /// <summary>Gauge, 1 while the server's drift episode runs (any series at or above its threshold), else 0.</summary>
    public const string DriftDetected = "modelserver_drift_detected";

    /// <summary>Gauge of the Unix time the server's last drift episode began; absent until drift was first seen.</summary>
    public const string DriftDetectedTimestamp = "modelserver_drift_detected_timestamp_seconds";
}
