namespace ModelOperator.Api;

/// <summary>The values of <c>status.lastDecision.action</c>: what the operator decided on its last step.</summary>
public static class DecisionActions
{
    /// <summary>A step finished (weight set, pause over, analysis passed); the next one starts.</summary>
    public const string Proceed = "Proceed";

    /// <summary>The rollout waits (pause step, <c>spec.paused</c>, inconclusive analysis).</summary>
    public const string Pause = "Pause";

    /// <summary>The rollout continues after a pause.</summary>
    public const string Resume = "Resume";

    /// <summary>The canary became the stable revision.</summary>
    public const string Promote = "Promote";

    /// <summary>The canary was rolled back and its revision quarantined.</summary>
    public const string Rollback = "Rollback";

    /// <summary>A quarantined revision was released for a new canary.</summary>
    public const string Retry = "Retry";

    /// <summary>A revision from the history was rolled out again.</summary>
    public const string Undo = "Undo";

    /// <summary>A manual action could not be performed; the message says why.</summary>
    public const string Reject = "Reject";
}
