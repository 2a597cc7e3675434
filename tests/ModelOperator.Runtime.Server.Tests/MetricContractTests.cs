using ModelOperator.Contracts;
using ModelOperator.Metrics;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// The operator judges a canary by metric families it reads from the server (by scrape and through PromQL); the names
/// live in <see cref="ModelServerMetricNames"/>. This scrapes a real server and fails when one of them is not exported,
/// or is exported without the labels the operator selects on.
/// </summary>
public sealed class MetricContractTests
{
    [Fact]
    public async Task Every_family_the_operator_reads_is_exported_with_the_labels_it_reads()
    {
        var profile = Path.Combine(AppContext.BaseDirectory, "models", "churn", "1", "profile.json");
        await using var server = await ServerFixture.StartAsync(o => o with { ProfileUri = profile });
        using (await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good))
        {
        }

        var samples = PrometheusText.Parse(await server.Client.GetStringAsync("/metrics"), out _);
        var names = samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var missing = ModelServerMetricNames.ReadByOperator
            .Where(family => !names.Contains(family) && !names.Contains(family + ModelServerMetricNames.BucketSuffix))
            .ToList();
        Assert.True(missing.Count == 0, "not exported by the model server: " + string.Join(", ", missing));
        Assert.Contains(samples, s => s.Name == ModelServerMetricNames.Requests && s.Label(ModelServerMetricNames.OutcomeLabel).Length > 0);
        Assert.Contains(samples, s => s.Name == ModelServerMetricNames.PredictionValue + ModelServerMetricNames.BucketSuffix
            && s.Label(ModelServerMetricNames.OutputLabel).Length > 0 && s.Labels.ContainsKey("le"));
        Assert.Contains(samples, s => s.Name == ModelServerMetricNames.RequestDuration + ModelServerMetricNames.BucketSuffix && s.Labels.ContainsKey("le"));
        Assert.Contains(samples, s => s.Name == ModelServerMetricNames.DriftPsi
            && s.Label(ModelServerMetricNames.SeriesLabel) == ModelServerMetricNames.FeatureSeries);
    }
}
