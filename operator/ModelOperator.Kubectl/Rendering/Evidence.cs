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

    /// <summary>Four significant digits, invariant culture: 0.01234, 1234, 0.25.</summary>
    public static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
