using ModelOperator.Api;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>The causes of a verdict as they go into <c>status.lastDecision.causes</c>: already bounded by <see cref="DriftCauses.Top"/>.</summary>
public static class DecisionCauses
{
    /// <summary>Null when there are none, so decisions without causes serialize as before.</summary>
    public static IReadOnlyList<DecisionCause>? From(IReadOnlyList<DriftCause>? causes) =>
        causes is not { Count: > 0 }
            ? null
            : causes.Take(DriftCauses.MaxCauses).Select(c => new DecisionCause
            {
                Name = c.Name,
                Score = double.IsFinite(c.Score) ? Math.Round(c.Score, 4) : null,
                Samples = c.Samples,
                Summary = c.Summary,
                Since = c.Since,
            }).ToList();
}
