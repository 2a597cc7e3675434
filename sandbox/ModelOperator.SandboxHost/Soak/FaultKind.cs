namespace ModelOperator.SandboxHost.Soak;

/// <summary>The faults a soak injects.</summary>
public enum FaultKind
{
    /// <summary>The API server answers every k-th write with 409 Conflict for a while.</summary>
    ApiConflicts,

    /// <summary>Every open watch ends and the next watches get 410 Gone (the informers must relist).</summary>
    ApiGone,

    /// <summary>The next requests get 429 Too Many Requests with Retry-After.</summary>
    ApiThrottled,

    /// <summary>Every open watch ends at once.</summary>
    WatchesDropped,

    /// <summary>Every API request is delayed for a while.</summary>
    ApiLatency,

    /// <summary>The API server answers nothing for seconds.</summary>
    ApiAway,

    /// <summary>The leading operator process is killed (SIGKILL) and a new one started.</summary>
    OperatorKilled,

    /// <summary>The leader Lease is deleted, or taken by another holder, under the leader.</summary>
    LeaseLost,

    /// <summary>A model server process of the ModelDeployment is killed (SIGKILL) while traffic flows.</summary>
    ModelServerKilled,

    /// <summary>Prometheus is stopped for a while, then started again on the same port and data.</summary>
    PrometheusAway,
}
