namespace ModelOperator.Api.Validation;

/// <summary>The checks of a <c>shadow</c> rollout step and of the analysis that judges it.</summary>
public static partial class ModelDeploymentValidator
{
    /// <param name="lastWeight">The last setWeight before the step, with its step index (-1: none).</param>
    private static void CheckShadowStep(string path, ShadowStep shadow, (int Step, int Weight) lastWeight, List<FieldProblem> problems)
    {
        // The range of percent comes from its [Range] (SchemaBounds); here what a range cannot say.
        if (shadow.Percent is null)
        {
            problems.Add(new($"{path}.shadow.percent", "is missing; set the share of live requests copied to the canary, 1 to 100"));
        }

        if (shadow.Duration is null)
        {
            problems.Add(new($"{path}.shadow.duration", "is missing; set how long the canary gets copies, as a duration (e.g. 10m)"));
        }
        else
        {
            CheckDuration($"{path}.shadow.duration", shadow.Duration, TimeSpan.FromSeconds(1), TimeSpan.MaxValue, "at least 1s", problems);
        }

        // A shadow step proves the canary before any user depends on it: once users were sent to it, taking their
        // traffic away again to shadow it would be a weight that goes down.
        if (lastWeight.Weight > 0)
        {
            problems.Add(new($"{path}.shadow", $"comes after setWeight {lastWeight.Weight} (spec.rollout.steps[{lastWeight.Step}]); a shadow step runs the canary without user traffic, so put it before every setWeight above 0"));
        }
    }

    private static void CheckShadowAnalysis(AnalysisSpec? analysis, bool hasShadowStep, List<FieldProblem> problems)
    {
        if (hasShadowStep && analysis is null)
        {
            problems.Add(new("spec.rollout.analysis", "is missing but the steps include shadow; set the thresholds the copies are judged by (e.g. maxShadowDisagreement, maxErrorRate)"));
        }
    }
}
