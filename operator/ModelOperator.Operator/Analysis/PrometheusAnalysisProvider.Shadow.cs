using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Analysis;

/// <summary>
/// A shadow step's queries: the copies the stable revision's pods sent the canary, counted by those pods
/// (<see cref="ShadowContract"/>), over the window:
/// <list type="bullet">
/// <item>compared and failed: <c>sum(increase(modelserver_shadow_copies_total{stable, outcome="compared"}[w]))</c> (and <c>"failed"</c>);</item>
/// <item>agreements: <c>sum(increase(modelserver_shadow_agreements_total{stable}[w]))</c>;</item>
/// <item>candidate latency: <c>sum by (le) (increase(modelserver_shadow_candidate_duration_seconds_bucket{stable}[w]))</c>.</item>
/// </list>
/// The numbers become measurements through <see cref="ShadowMeasurements.Compute"/>, as the direct provider's do.
/// </summary>
public sealed partial class PrometheusAnalysisProvider
{
    private async Task<AnalysisResult> WithShadowAsync(Uri baseUri, AnalysisRequest request, string w, AnalysisResult measured, CancellationToken cancellationToken)
    {
        if (request.StableRevision is null)
        {
            return ShadowMeasurements.Compute(measured, ShadowCounts.Zero, request.Window);
        }

        var sel = Selector(request.Deployment.Namespace, request.StableRevision);
        var copies = $"sum(increase({ShadowContract.Copies}{{{sel},{ShadowContract.CopyOutcomeLabel}=\"{{0}}\"}}[{w}]))";
        var compared = await ScalarAsync(baseUri, copies.Replace("{0}", ShadowContract.Compared, StringComparison.Ordinal), request.Now, cancellationToken).ConfigureAwait(false);
        var failed = await ScalarAsync(baseUri, copies.Replace("{0}", ShadowContract.Failed, StringComparison.Ordinal), request.Now, cancellationToken).ConfigureAwait(false);
        var agreements = await ScalarAsync(baseUri, $"sum(increase({ShadowContract.Agreements}{{{sel}}}[{w}]))", request.Now, cancellationToken).ConfigureAwait(false);
        var latency = await VectorAsync(baseUri, $"sum by (le) (increase({ShadowContract.CandidateDuration}{ModelServerMetricNames.BucketSuffix}{{{sel}}}[{w}]))", request.Now, cancellationToken).ConfigureAwait(false);
        if ((compared.Error ?? failed.Error ?? agreements.Error ?? latency.Error) is { } error)
        {
            return ShadowMeasurements.Unmeasured(request.CanaryRevision, request.Now, Measurement.Failure(error, request.Window))
                with { PredictionDrift = measured.PredictionDrift, FeatureDrift = measured.FeatureDrift };
        }

        var counts = new ShadowCounts { Compared = Finite(compared.Value), Failed = Finite(failed.Value), Agreements = Finite(agreements.Value) };
        foreach (var sample in latency.Samples)
        {
            // The vector's samples are the bucket family's, one per le: read like a scrape's lines.
            ServerScrapeReader.TryAddShadow(sample with { Name = ShadowContract.CandidateDuration + ModelServerMetricNames.BucketSuffix }, ref counts);
        }

        return ShadowMeasurements.Compute(measured, counts, request.Window);
    }

    /// <summary>An absent series (no copy in the window) is 0 copies.</summary>
    private static double Finite(double? value) => value is { } v && double.IsFinite(v) ? v : 0;
}
