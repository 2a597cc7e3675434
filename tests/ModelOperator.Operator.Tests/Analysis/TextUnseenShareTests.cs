using System.Text;
using ModelOperator.Api;
using ModelOperator.Metrics;
using ModelOperator.Operator.Analysis;
using ModelOperator.Rollouts.Analysis;
using ModelOperator.Runtime.Drift;

namespace ModelOperator.Operator.Tests.Analysis;

/// <summary>
/// A text (BYTES) column's unseen strings reach the operator through the same unseen-category family as numeric codes:
/// a real drift monitor with a text series exports them, the operator reads the pod's exposition (<see cref="PooledDriftScrapeTests"/>
/// covers the HTTP scrape itself), and the data-quality gate (<c>maxUnseenCategoryShare</c>) fails naming the column.
/// </summary>
public sealed class TextUnseenShareTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // colour: a text series, blue 50 %, green 30 %, red 20 %.
    private static readonly ReferenceProfile Profile = new(
        [new SeriesProfile("colour", ["blue", "green", "red"], [0.5, 0.3, 0.2, 0])],
        [],
        1000);

    private static string PodExposition(ManualTimeProvider clock, IReadOnlyList<string> colours)
    {
        var monitor = new DriftMonitor(Profile, new DriftMonitorOptions { MinSamples = 10 }, clock);
        var registry = Prometheus.Metrics.NewCustomRegistry();
        DriftMetrics.Register(registry, "colours", "2", monitor);
        using (var recording = monitor.Begin(colours.Count))
        {
            foreach (var colour in colours)
            {
                recording.FeatureText(0, Encoding.UTF8.GetBytes(colour));
            }
        }

        return registry.Scrape();
    }

    [Fact]
    public void A_canary_sending_new_strings_in_a_text_column_fails_data_quality_with_that_column_named()
    {
        // Given a canary pod whose 600 rows follow the reference except that every fourth colour is "purple" or "teal"
        var clock = new ManualTimeProvider(T0);
        var colours = Enumerable.Range(0, 600).Select(i => (i % 4, i % 10) switch
        {
            (0, _) => i % 8 == 0 ? "purple" : "teal",
            (_, < 5) => "blue",
            (_, < 8) => "green",
            _ => "red",
        }).ToList();
        var spec = new AnalysisSpec { MaxUnseenCategoryShare = 0.05, MaxFeatureDrift = 50 };

        // When the operator reads the pod's exposition and evaluates the revision
        var scrape = ServerScrapeReader.Read(PrometheusText.Parse(PodExposition(clock, colours), out _));
        var result = ScrapeMeasurements.Compute("colours-canary", T0, Window, scrape, null);
        var verdict = AnalysisEvaluator.Evaluate("colours-canary", result, new PodHealth { Pods = 1, Ready = 1 }, 1, AnalysisCriteria.FromSpec(spec, 3));

        // Then the unseen share is exactly the new strings' share, and data quality fails on the colour column
        Assert.Equal(150.0 / 600, result.UnseenCategoryShare!.Value, 12);
        Assert.Equal(600, result.UnseenCategoryShare.Samples);
        Assert.Equal(Verdict.Failed, verdict.Verdict);
        Assert.Equal(Reasons.DataQuality, verdict.Deciding.Reason);
        Assert.Equal(MetricNames.UnseenCategoryShare, verdict.Deciding.Metric);
        Assert.Contains("caused by colour (share 25 % over 600 values: 150 of 600 values unseen (not a reference category)", verdict.Deciding.Message, StringComparison.Ordinal);
        var drift = Assert.Single(result.FeatureDrift!.Causes!, c => c.Name == "colour");
        Assert.StartsWith("unseen 25 % (reference 0 %)", drift.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Reference_like_strings_pass_the_data_quality_gate()
    {
        var clock = new ManualTimeProvider(T0);
        var colours = Enumerable.Range(0, 600).Select(i => (i % 10) switch { < 5 => "blue", < 8 => "green", _ => "red" }).ToList();
        var scrape = ServerScrapeReader.Read(PrometheusText.Parse(PodExposition(clock, colours), out _));

        var result = ScrapeMeasurements.Compute("colours-canary", T0, Window, scrape, null);

        Assert.Equal(0, result.UnseenCategoryShare!.Value);
        Assert.Equal(Verdict.Successful, AnalysisEvaluator.EvaluateMetric(MetricNames.UnseenCategoryShare, result.UnseenCategoryShare, 0.05, 100)!.Verdict);
        Assert.True(result.FeatureDrift!.Value < 0.01, $"PSI {result.FeatureDrift.Value}");
    }
}
