using System.Globalization;
using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Kubectl.Rendering;

/// <summary>How a rollout step and the position in the steps read to a person.</summary>
internal static class StepText
{
    /// <summary><c>setWeight 10%</c>, <c>pause 2m</c>, <c>pause until resumed or promoted</c>, <c>analysis</c>, <c>shadow 20% for 10m</c>.</summary>
    public static string Describe(RolloutStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.SetWeight is { } weight)
        {
            return string.Create(CultureInfo.InvariantCulture, $"setWeight {weight}%");
        }

        if (step.Pause is { } pause)
        {
            return pause.Duration is { Length: > 0 } d ? $"pause {d}" : "pause until resumed or promoted";
        }

        if (step.Shadow is { } shadow)
        {
            return string.Create(CultureInfo.InvariantCulture, $"shadow {shadow.Percent}% for {shadow.Duration}");
        }

        return step.Analysis is not null ? "analysis" : "(empty step)";
    }

    /// <summary>
    /// The position for a 0-based <paramref name="index"/>: <c>2/5 (analysis)</c>, or <c>5/5 done</c> once the index
    /// equals the number of steps (the operator promotes then). The steps are those the planner runs: a spec without
    /// steps has one implicit <c>setWeight 100%</c>. Null when there is no index.
    /// </summary>
    public static string? Position(ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(md);
        if (md.Status?.CurrentStepIndex is not { } index)
        {
            return null;
        }

        var steps = RolloutSteps.Effective(md.Spec?.Rollout);
        if (index >= steps.Count)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{steps.Count}/{steps.Count} done");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{index + 1}/{steps.Count} ({Describe(steps[index])})");
    }
}
