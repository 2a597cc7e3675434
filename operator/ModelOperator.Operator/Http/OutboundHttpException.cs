namespace ModelOperator.Operator.Http;

/// <summary>
/// Why an outbound call was given up. Each message says which bound stopped it and never repeats what the remote side
/// sent (no body, no header, no redirect target), since it ends up in status, Events and logs that tenants read.
/// </summary>
public enum OutboundFailure
{
    /// <summary>Connection refused, reset, name not resolved, a malformed HTTP answer.</summary>
    Unreachable,

    /// <summary>No whole answer within the per-call timeout (ANALYSIS_TIMEOUT).</summary>
    Timeout,

    /// <summary>The reconcile's outbound deadline (OUTBOUND_DEADLINE) passed first.</summary>
    DeadlinePassed,

    /// <summary>The answer was longer than MAX_RESPONSE_BYTES.</summary>
    TooLarge,

    /// <summary>A 3xx answer: the operator does not follow redirects.</summary>
    Redirect,
}

/// <summary>
/// An outbound call that ended at one of its bounds or could not be made. An <see cref="HttpRequestException"/>, so code
/// that already treats an unreachable pod as missing data treats these the same way.
/// </summary>
public sealed class OutboundHttpException : HttpRequestException
{
    public OutboundHttpException(OutboundFailure failure, string message, Exception? inner = null)
        : base(message, inner) => Failure = failure;

    public OutboundHttpException()
        : this(OutboundFailure.Unreachable, "an outbound call failed")
    {
    }

    public OutboundHttpException(string message)
        : this(OutboundFailure.Unreachable, message)
    {
    }

    public OutboundHttpException(string message, Exception inner)
        : this(OutboundFailure.Unreachable, message, inner)
    {
    }

    public OutboundFailure Failure { get; }
}
