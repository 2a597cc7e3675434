using System.Globalization;
using ModelOperator.Runtime.Drift;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Testing;

namespace ModelOperator.Deploy.Tests.Sampling;

/// <summary>
/// docs/rollouts.md, "PSI needs samples": every example's drift thresholds hold at its <c>minSamples</c>. Two equal models
/// (both sides drawn from the example model's own reference distribution, over the server's default prediction buckets)
/// must cross the example's threshold in fewer than <see cref="Bound"/> of the trials, at every weight its steps set;
/// otherwise a rollout of a good model would be rolled back by noise.
/// </summary>
public sealed class ExampleSamplingTests
{
    /// <summary>The chance of a false drift verdict per analysis run that an example may have (stated in docs/rollouts.md).</summary>
    public const double Bound = 0.01;

    // 10 000 trials put the standard error of an estimate near the bound at 0.1 percentage point; the seed makes it repeatable.
    private static readonly DriftNoise Noise = new(trials: 10_000, seed: 20261204);

    public static TheoryData<string> Examples() => new(ExampleAnalysis.Files());

    [Fact]
    public void Every_example_with_a_drift_threshold_is_checked()
    {
        Assert.Contains("examples/churn-modeldeployment.yaml", ExampleAnalysis.Files());
        Assert.Contains("examples/sandbox/churn-v2.yaml", ExampleAnalysis.Files());
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Two_equal_models_rarely_cross_the_examples_prediction_drift_threshold(string file)
    {
        var example = ExampleAnalysis.Read(file);
        if (example.MaxPredictionDrift is not { } threshold)
        {
            return;
        }

        var shares = PredictionShares(example.Profile);
        Assert.NotEmpty(example.Windows);
        var problems = example.Windows
            .Select(w => (Window: w, Chance: Noise.PredictionDriftAbove(shares, w.Stable, w.Canary, threshold)))
            .Where(r => r.Chance >= Bound)
            .Select(r => Invariant($"at setWeight {r.Window.Weight} ({r.Window.Canary} canary against {r.Window.Stable} stable predictions) two equal models cross maxPredictionDrift {threshold} in {r.Chance:P2} of {Noise.Trials} trials"))
            .ToList();

        Assert.True(problems.Count == 0, Invariant($"{file} (minSamples {example.MinSamples}): {string.Join("; ", problems)}; below {Bound:P0} is allowed: raise minSamples or the threshold (docs/rollouts.md, PSI needs samples)."));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void A_window_of_reference_rows_rarely_crosses_the_examples_feature_drift_threshold(string file)
    {
        var example = ExampleAnalysis.Read(file);
        if (example.MaxFeatureDrift is not { } threshold)
        {
            return;
        }

        var chance = Noise.FeatureDriftAbove(example.Profile, example.MinSamples, threshold);

        Assert.True(chance < Bound, Invariant($"{file}: a window of {example.MinSamples} rows (minSamples) drawn from the reference profile itself crosses maxFeatureDrift {threshold} on some feature in {chance:P2} of {Noise.Trials} trials; below {Bound:P0} is allowed: raise minSamples or the threshold."));
    }

    /// <summary>The check itself can fail: a too-small window is caught, a large enough one passes.</summary>
    [Theory]
    [InlineData(100, 100, 0.2, true)]
    [InlineData(100, 200, 0.2, true)]
    [InlineData(200, 200, 0.25, true)]
    [InlineData(400, 800, 0.2, false)]
    [InlineData(300, 300, 0.3, false)]
    [InlineData(1000, 1500, 0.1, false)]
    public void The_noise_estimate_tells_a_too_small_window_from_a_large_enough_one(int canary, int stable, double threshold, bool tooSmall)
    {
        var shares = PredictionShares(ReferenceProfileJson.Deserialize(RepositoryFiles.Read("examples/models/churn/1/profile.json")));

        var chance = Noise.PredictionDriftAbove(shares, stable, canary, threshold);

        Assert.True(chance >= Bound == tooSmall, Invariant($"{canary} against {stable} at {threshold}: {chance:P2}"));
    }

    [Fact]
    public void The_churn_models_predictions_fill_the_default_buckets_as_its_profile_says()
    {
        // Given the profile's deciles of churn_probability, spread over the server's 20 default buckets (0.05 … 1, +Inf)
        var shares = PredictionShares(ReferenceProfileJson.Deserialize(RepositoryFiles.Read("examples/models/churn/1/profile.json")));

        // Then they form a distribution over 21 bins with nothing above 1, most of it spread evenly (a probability)
        Assert.Equal(21, shares.Length);
        Assert.Equal(1.0, shares.Sum(), 9);
        Assert.Equal(0.0, shares[^1], 9);
        Assert.All(shares[..^1], s => Assert.InRange(s, 0.03, 0.11));
    }

    private static double[] PredictionShares(ReferenceProfile profile) =>
        DriftNoise.BucketShares(Assert.Single(profile.Outputs), ServerOptions.DefaultPredictionBuckets);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
