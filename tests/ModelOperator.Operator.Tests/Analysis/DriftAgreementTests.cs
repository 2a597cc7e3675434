using ModelOperator.Metrics;
using ModelOperator.Operator.Analysis;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Runtime.Drift;

namespace ModelOperator.Operator.Tests.Analysis;

/// <summary>
/// <c>maxPredictionDrift</c> (the operator scores canary against stable prediction buckets) and <c>maxFeatureDrift</c>
/// (the model server scores its window against the reference profile) sit side by side in one spec and are both
/// documented as PSI: on the same histograms they must give the same number, empty bins included.
/// </summary>
public sealed class DriftAgreementTests
{
    // Output "score" binned at 0, 0.5 and 1: (-inf, 0), [0, 0.5), [0.5, 1), [1, inf) on the server;
    // le="0", le="0.5", le="1", le="+Inf" in the scrape. The values below sit inside the bins, so both agree on counts.
    private static readonly double[] Edges = [0, 0.5, 1];

    public static TheoryData<double[], double[]> Histograms => new()
    {
        { [0, 80, 20, 0], [0, 10, 85, 5] },
        { [0, 50, 50, 0], [0, 50, 50, 0] },
        { [10, 40, 40, 10], [0, 0, 100, 0] },
        { [25, 25, 25, 25], [1, 2, 3, 94] },
    };

    [Theory]
    [MemberData(nameof(Histograms))]
    public void The_operator_and_the_server_give_the_same_psi_for_the_same_histograms(double[] stable, double[] canary)
    {
        // Given a server whose reference profile is the stable's distribution, serving the canary's predictions
        var total = stable.Sum();
        SeriesProfile Reference(string name) => new(name, SeriesKind.Numeric, -1, 2, Edges, null, [.. stable.Select(c => c / total)]);
        var profile = new ReferenceProfile([Reference("x")], [Reference("score")], (long)total);
        var server = new DriftMonitor(profile, new DriftMonitorOptions { Window = TimeSpan.FromMinutes(1), BucketWidth = TimeSpan.FromSeconds(10) }, new ManualTimeProvider());
        float[] inside = [-0.5f, 0.25f, 0.75f, 1.5f];
        var predictions = canary.SelectMany((count, bin) => Enumerable.Repeat(inside[bin], (int)count)).ToArray();
        server.Record(predictions, predictions.Length, predictions); // feature x: the same values (a profile needs one)

        // and the operator scraping the stable and the canary pods' prediction buckets
        var analysis = ScrapeMeasurements.Compute(
            "canary", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1), Scrape(canary), Scrape(stable));

        // Then both report the same PSI
        var serverPsi = server.Snapshot().Outputs[0].Psi;
        Assert.True(double.IsFinite(serverPsi));
        Assert.Equal(serverPsi, analysis.PredictionDrift!.Value, 12);
    }

    private static ServerScrape Scrape(double[] bins)
    {
        var le = new[] { "0", "0.5", "1", "+Inf" };
        var cumulative = 0.0;
        var text = string.Concat(bins.Select((count, i) =>
        {
            cumulative += count;
            return $"modelserver_prediction_value_bucket{{model=\"churn\",output=\"score\",le=\"{le[i]}\"}} {cumulative}\n";
        }));
        return ServerScrapeReader.Read(PrometheusText.Parse(text, out _));
    }
}
