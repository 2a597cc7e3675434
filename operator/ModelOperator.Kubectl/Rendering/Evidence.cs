using System.Globalization;
using System.Text;
using ModelOperator.Api;

namespace ModelOperator.Kubectl.Rendering;

/// <summary>The numbers behind a decision in one line: <c>errorRate 0.12 (threshold 0.01) over 1m, 800 samples</c>.</summary>
internal static class Evidence
{
    /// <summary>Null when the decision carries no measurement (e.g. a manual action or a timed pause).</summary>
    public static string? Describe(RolloutDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Metric is null && decision.ObservedValue is null && decision.Samples is null)
        {
            return null;
        }

        var text = new StringBuilder(decision.Metric ?? "measured");
        if (decision.ObservedValue is { } value)
        {
            text.Append(' ').Append(Number(value));
        }

        if (decision.Threshold is { } threshold)
        {
            text.Append(" (threshold ").Append(Number(threshold)).Append(')');
        }

        if (decision.Window is { Length: > 0 } window)
        {
            text.Append(" over ").Append(window);
        }

        if (decision.Samples is { } samples)
        {
            text.Append(", ").Append(samples.ToString(CultureInfo.InvariantCulture)).Append(samples == 1 ? " sample" : " samples");
        }

        return text.ToString();
    }

    /// <summary>
    /// One line per named cause of a drift or data-quality decision:
    /// <c>cause: contract_months 2.943 over 1200 values: unseen 33.3 % (reference 0 %); since 2026-12-04T22:41:05Z</c>.
    /// </summary>
    public static IEnumerable<string> Causes(RolloutDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return (decision.Causes ?? []).Select(c =>
            $"cause: {c.Name} {(c.Score is { } s ? Number(s) : "?")} over {(c.Samples ?? 0).ToString(CultureInfo.InvariantCulture)} values: {c.Summary}"
            + (c.Since is { } since ? $"; since {since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}" : string.Empty));
    }

    /// <summary>Four significant digits, invariant culture: 0.01234, 1234, 0.25.</summary>
    public static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
