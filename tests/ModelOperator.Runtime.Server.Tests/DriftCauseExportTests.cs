using ModelOperator.Contracts;
using ModelOperator.Metrics;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// A real server with the churn profile, sent reference rows whose contract_months carries 36 (a value the profile never
/// saw): what it exports is what the operator pools and names the column from.
/// </summary>
public sealed class DriftCauseExportTests
{
    [Fact]
    public async Task A_new_category_in_one_column_shows_in_that_columns_unseen_bin_with_the_time_it_started()
    {
        // Given a server with the churn v1 profile
        var profile = Path.Combine(AppContext.BaseDirectory, "models", "churn", "1", "profile.json");
        await using var server = await ServerFixture.StartAsync(o => o with { ProfileUri = profile });
        var before = DateTimeOffset.UtcNow;

        // When 120 reference rows arrive with contract_months (column 3) set to 36
        foreach (var row in ReferenceRows().Take(120))
        {
            row[3] = "36";
            var json = $$"""{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[{{string.Join(',', row)}}]}]}""";
            using var response = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, json);
            Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}");
        }

        var samples = PrometheusText.Parse(await server.Client.GetStringAsync("/metrics"), out _);

        // Then contract_months' unseen bin holds the 120 values, it scores highest, and it says since when it drifts
        double Feature(string family, string name, string? range = null) => samples.Single(s => s.Name == family
            && s.Label(ModelServerMetricNames.SeriesLabel) == ModelServerMetricNames.FeatureSeries && s.Label(ModelServerMetricNames.NameLabel) == name
            && (range is null || s.Label(ModelServerMetricNames.RangeLabel) == range)).Value;
        Assert.Equal(120, Feature(ModelServerMetricNames.DriftWindowBinValues, "contract_months", "unseen"));
        Assert.Equal(120, Feature(ModelServerMetricNames.DriftWindowUnseenCategory, "contract_months"));
        Assert.Equal(0, Feature(ModelServerMetricNames.DriftReferenceBinProportion, "contract_months", "unseen"));
        var worst = samples.Where(s => s.Name == ModelServerMetricNames.DriftPsi && s.Label(ModelServerMetricNames.SeriesLabel) == ModelServerMetricNames.FeatureSeries)
            .OrderByDescending(s => s.Value).First();
        Assert.Equal("contract_months", worst.Label(ModelServerMetricNames.NameLabel));
        var since = DateTimeOffset.FromUnixTimeMilliseconds((long)(Feature(ModelServerMetricNames.DriftSeriesDetectedTimestamp, "contract_months") * 1000));
        Assert.InRange(since, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    private static IEnumerable<string[]> ReferenceRows()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var csv = Path.Combine(dir.FullName, "examples", "models", "churn", "reference.csv");
            if (File.Exists(csv))
            {
                return File.ReadLines(csv).Skip(1).Select(line => line.Split(',')).ToList();
            }
        }

        throw new InvalidOperationException($"No examples/models/churn/reference.csv above {AppContext.BaseDirectory}.");
    }
}
