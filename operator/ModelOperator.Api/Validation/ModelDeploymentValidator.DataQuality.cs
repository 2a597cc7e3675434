namespace ModelOperator.Api.Validation;

public static partial class ModelDeploymentValidator
{
    // The data-quality limits judge the canary's inputs against its own reference profile: without one there is nothing to judge by.
    private static void CheckDataQualityNeedsProfile(ModelDeploymentSpec spec, AnalysisSpec analysis, string path, List<FieldProblem> problems)
    {
        if (spec.Model?.Profile is not null)
        {
            return;
        }

        foreach (var (field, limit) in new[]
        {
            ("maxUnseenCategoryShare", analysis.MaxUnseenCategoryShare),
            ("maxNonFiniteShare", analysis.MaxNonFiniteShare),
            ("maxOutOfRangeShare", analysis.MaxOutOfRangeShare),
        })
        {
            if (limit is not null)
            {
                problems.Add(new($"{path}.{field}", $"judges the canary's inputs against its reference profile, but spec.model.profile is not set; set it (uri and sha256) or remove {field}"));
            }
        }
    }
}
