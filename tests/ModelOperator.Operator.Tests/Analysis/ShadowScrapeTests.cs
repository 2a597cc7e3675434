using ModelOperator.Contracts;
using ModelOperator.Metrics;
using ModelOperator.Operator.Analysis;
using ModelOperator.Rollouts.Analysis;

namespace ModelOperator.Operator.Tests.Analysis;

/// <summary>The copies the stable pods count, read from their expositions, subtracted over a window and summed over pods.</summary>
public sealed class ShadowScrapeTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private static ServerScrape Scrape(double compared, double failed, double dropped, double agreements, double fast, double slow) =>
        ServerScrapeReader.Read(PrometheusText.Parse(string.Join('\n',
            $"{ShadowContract.Copies}{{outcome=\"compared\"}} {compared}",
            $"{ShadowContract.Copies}{{outcome=\"failed\"}} {failed}",
            $"{ShadowContract.Copies}{{outcome=\"dropped\"}} {dropped}",
            $"{ShadowContract.Agreements} {agreements}",
            $"{ShadowContract.CandidateDuration}_bucket{{le=\"0.01\"}} {fast}",
            $"{ShadowContract.CandidateDuration}_bucket{{le=\"0.1\"}} {fast + slow}",
            $"{ShadowContract.CandidateDuration}_bucket{{le=\"+Inf\"}} {fast + slow}",
            $"{ModelServerMetricNames.Requests}{{outcome=\"ok\"}} 5000",
            ""), out _));

    [Fact]
    public void Two_stable_pods_window_deltas_are_summed_into_the_shadow_measurements()
    {
        // Given two stable pods, each scraped at the start and the end of the window
        var podA = Scrape(1000, 2, 7, 990, 1000, 2).Since(Scrape(400, 0, 0, 396, 400, 0));   // 600 compared, 594 agreed, 2 failed
        var podB = Scrape(800, 3, 0, 790, 795, 8).Since(Scrape(400, 1, 0, 396, 400, 1));     // 400 compared, 394 agreed, 2 failed

        // When their deltas are summed and measured
        var copies = podA.Plus(podB).Shadow;
        var canary = new AnalysisResult { Revision = "churn-2", MeasuredAt = DateTimeOffset.UnixEpoch, PredictionDrift = Measurement.Of(0.01, 900, Window) };
        var result = ShadowMeasurements.Compute(canary, copies, Window);

        // Then 1000 copies were compared, 988 agreed (1.2 % disagree), 4 of 1004 failed; dropped copies count nowhere
        Assert.Equal((1000, 988, 4), (copies.Compared, copies.Agreements, copies.Failed));
        Assert.True(result.Shadow);
        Assert.Equal(1000, result.ShadowDisagreement!.Samples);
        Assert.Equal(0.012, result.ShadowDisagreement.Value, 9);
        Assert.Equal(1004, result.ErrorRate!.Samples);
        Assert.Equal(4.0 / 1004, result.ErrorRate.Value, 9);
        Assert.InRange(result.P99Latency!.Value, 0.009, 0.01); // 995 of 1004 within 10ms
        Assert.Equal(0.01, result.PredictionDrift!.Value); // the canary's own measurements stay
    }

    [Fact]
    public void A_restarted_stable_server_counts_its_new_copies_whole()
    {
        var delta = Scrape(50, 0, 0, 49, 50, 0).Since(Scrape(900, 5, 0, 890, 900, 0));

        Assert.Equal((50, 49, 0), (delta.Shadow.Compared, delta.Shadow.Agreements, delta.Shadow.Failed));
    }
}
