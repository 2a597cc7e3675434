namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// What the server mirrors now, as read from the instruction file: nothing (with why, for the log), or a share of the
/// requests to a candidate's infer URL with the tolerance their answers are compared with.
/// </summary>
/// <param name="State">One line saying what the plan is and why; a change of it is what gets logged.</param>
/// <param name="InferUri">The candidate's infer URL; null when mirroring is off.</param>
/// <param name="Percent">The share of requests copied, 0 to 100.</param>
/// <param name="Tolerance">The largest absolute difference per output value that still agrees.</param>
internal sealed record MirrorPlan(string State, Uri? InferUri, double Percent, double Tolerance)
{
    /// <summary>True when some requests are to be copied.</summary>
    public bool IsOn => InferUri is not null && Percent > 0;

    /// <summary>True when the instruction is wrong (unreadable, invalid, a refused target): worth a warning, not just a note.</summary>
    public bool IsProblem { get; init; }

    /// <summary>Mirror nothing, for the reason given (no instruction, or one for another revision).</summary>
    public static MirrorPlan Off(string why) => new(why, null, 0, 0);

    /// <summary>Mirror nothing, because the instruction is wrong in the way given.</summary>
    public static MirrorPlan Refused(string why) => Off(why) with { IsProblem = true };
}
