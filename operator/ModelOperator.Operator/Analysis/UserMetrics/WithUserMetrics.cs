using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis.UserMetrics;

/// <summary>
/// A provider that measures the built-in metrics with <paramref name="inner"/> and the spec's user metrics beside them,
/// in the same run and over the same window, so the evaluator judges all of them together.
/// </summary>
public sealed class WithUserMetrics(IAnalysisProvider inner, UserMetricSource userMetrics) : IAnalysisProvider
{
    public async Task<AnalysisResult> MeasureAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var builtIn = inner.MeasureAsync(request, cancellationToken);
        if (request.Spec?.Metrics is not { Count: > 0 })
        {
            return await builtIn.ConfigureAwait(false);
        }

        var user = userMetrics.MeasureAsync(request, cancellationToken);
        var result = await builtIn.ConfigureAwait(false);
        return result with { Metrics = await user.ConfigureAwait(false) };
    }
}
