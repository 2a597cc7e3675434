using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.Api;
using Microsoft.AspNetCore.Http;
using ModelOperator.EndToEnd.Tests.Support;
using ModelOperator.Testing;
using Xunit.Abstractions;

namespace ModelOperator.EndToEnd.Tests;

/// <summary>
/// The data-quality gate end to end on the sandbox: a candidate whose reference profile lacks a category that production
/// sends is rolled back before promotion, with the column and since when named, while stable (its own profile has the
/// category) is not blamed. Kept short: it is on the critical path of make test.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DataQualityEndToEndTests(ITestOutputHelper output)
{
    private const string Column = "contract_months";
    private const double MissingCategory = 24; // about 20 % of the reference traffic has 24-month contracts

    // One canary step at 50 %, then one analysis; failureLimit 0 rolls back on its first failed run.
    private const string OneStep = "    - setWeight: 50\n    - analysis: {}\n";

    private static bool RolledBack(ModelDeployment md) => md.Status?.Phase == Phases.RolledBack;

    [Fact]
    public async Task A_model_trained_without_a_category_that_production_sends_is_rolled_back_naming_the_column_and_since_when()
    {
        await using var e2e = await E2eSandbox.StartAsync();

        // Given version 1 (its profile knows every contract length) serving steady traffic
        await e2e.ApplyAsync(Short(e2e.Manifest(1, E2eSandbox.Steps(OneStep))));
        var healthy = await e2e.WaitForPhaseAsync(Phases.Healthy);
        var stable = healthy.Status!.StableRevision!.Name!;
        var traffic = e2e.StartTraffic(rate: 40); // about 300 canary rows per 15 s window at 50 %

        // When a candidate whose reference profile never saw 24-month contracts (served by a model registry over HTTP)
        // is rolled out with maxUnseenCategoryShare
        var profile = ProfileWithout(Column, MissingCategory);
        await using var registry = await FileOrigin.StartAsync(context => context.Response.WriteAsync(profile));
        var candidate = Short(e2e.Manifest(2, E2eSandbox.Steps(OneStep)));
        candidate = E2eSandbox.Replace(candidate, "pvc://models/churn/2/profile.json", registry.Url("/churn/2-without-24/profile.json"));
        candidate = E2eSandbox.Replace(candidate, Sha256(File.ReadAllBytes(ReferenceProfile)), Sha256(Encoding.UTF8.GetBytes(profile)));
        // Feature drift would fail too (the unseen values move the column's PSI) and is judged first: this test is about
        // the data-quality gate, so it is the one set.
        candidate = E2eSandbox.Replace(candidate, "      maxFeatureDrift: 0.25\n", "      maxUnseenCategoryShare: 0.05\n");
        var appliedAt = DateTimeOffset.UtcNow;
        await e2e.ApplyAsync(candidate);

        // Then it is rolled back on data quality, naming the column, its share and values, and since when
        var rolledBack = await e2e.WaitForAsync("the candidate rolled back", RolledBack, TimeSpan.FromMinutes(2),
            failIf: md => md.Status?.StableRevision?.Name is { } s && s != stable);
        var decision = rolledBack.Status!.LastDecision!;
        output.WriteLine(E2eSandbox.Json(rolledBack.Status)); // the decision as kubectl shows it, for the log
        Assert.Equal(("Rollback", Reasons.DataQuality, "unseenCategoryShare"), (decision.Action, decision.Reason, decision.Metric));
        var cause = decision.Causes![0];
        Assert.Equal(Column, cause.Name);
        Assert.InRange(cause.Score!.Value, 0.12, 0.3); // the reference traffic's share of 24-month contracts, about 20 %
        // The cause keeps its score to 4 places (status stays small); the decision keeps the whole value.
        Assert.Equal(decision.ObservedValue!.Value, cause.Score.Value, tolerance: 1e-4);
        Assert.True(cause.Samples >= 100, $"{cause.Samples} values");
        Assert.Equal(decision.Samples, cause.Samples);
        Assert.Matches(@"^\d+ of \d+ values unseen \(not a reference category\)$", cause.Summary);
        var since = cause.Since ?? throw new Xunit.Sdk.XunitException($"the cause has no since: {E2eSandbox.Json(rolledBack.Status)}");
        Assert.InRange(since, appliedAt.AddSeconds(-1), decision.Time!.Value.AddSeconds(1)); // within the canary's life (server stamps whole seconds)
        Assert.Contains($"caused by {Column} (share ", decision.Message, StringComparison.Ordinal);
        Assert.Equal(stable, rolledBack.Status.StableRevision!.Name);
        Assert.Contains(rolledBack.Status.QuarantinedRevisions!, q => q.Reason == Reasons.DataQuality);

        // And the Warning Event names the column
        var canary = rolledBack.Status.QuarantinedRevisions!.Single(q => q.Reason == Reasons.DataQuality).Name!;
        var events = await e2e.WaitForEventAsync("DataQuality warning", e => e.Type == "Warning" && e.Reason == Reasons.DataQuality && e.Message!.Contains(canary, StringComparison.Ordinal)
            && e.Message.Contains($"caused by {Column}", StringComparison.Ordinal));

        // And stable, judged by its own profile (which has 24-month contracts), is not blamed: its servers saw the same
        // traffic and counted no unseen value in the column, and no decision or Event speaks of stable's data quality
        // (read as of the decision: the canary's pods are gone since)
        var at = decision.Time!.Value;
        var unseen = await PerRevisionAsync(e2e, $"modelserver_drift_window_unseen_category_values{{series=\"feature\",name=\"{Column}\"}}", at, stable, canary);
        var values = await PerRevisionAsync(e2e, $"modelserver_drift_window_samples{{series=\"feature\",name=\"{Column}\"}}", at, stable, canary);
        Assert.True(values.Stable >= 100, $"stable pods counted {values.Stable} values of {Column}");
        Assert.Equal(0, unseen.Stable);
        Assert.True(unseen.Canary > 0, $"canary pods counted {unseen.Canary} unseen values");
        Assert.DoesNotContain(events, e => e.Reason == Reasons.DataQuality && e.Message?.Contains(stable, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(rolledBack.Status.StableDrift?.Features ?? [], f => f.Name == Column && f.Drifting == true);
        Assert.True(traffic.Succeeded > 0);
    }

    /// <summary>Two replicas (one canary pod at 50 %), failureLimit 0, and minSamples 100: the fewest that still decide.</summary>
    private static string Short(string manifest)
    {
        manifest = E2eSandbox.Replace(manifest, "  replicas: 4\n", "  replicas: 2\n");
        manifest = E2eSandbox.Replace(manifest, "      minSamples: 300\n", "      minSamples: 100\n");
        return E2eSandbox.Replace(manifest, "      failureLimit: 1\n", "      failureLimit: 0\n");
    }

    private static string ReferenceProfile => Path.Combine(E2eSandbox.RepositoryRoot, "examples", "models", "churn", "2", "profile.json");

    /// <summary>
    /// Version 2's reference profile as if it had been built from data without <paramref name="category"/> in
    /// <paramref name="column"/>: the category gone, the other categories' shares scaled back to a sum of 1, the maximum
    /// the largest category left.
    /// </summary>
    private static string ProfileWithout(string column, double category)
    {
        var profile = JsonNode.Parse(File.ReadAllText(ReferenceProfile))!;
        var feature = profile["features"]!.AsArray().Single(f => (string?)f!["name"] == column)!;
        var categories = feature["categories"]!.AsArray().Select(c => (double)c!).ToList();
        var proportions = feature["proportions"]!.AsArray().Select(p => (double)p!).ToList();
        var index = categories.IndexOf(category);
        Assert.True(index >= 0, $"{column} has no category {category}");
        categories.RemoveAt(index);
        proportions.RemoveAt(index);
        var kept = proportions.Take(categories.Count).ToList();
        var scaled = kept.Select(p => p / kept.Sum()).ToList();
        scaled[^1] = 1 - scaled.Take(scaled.Count - 1).Sum(); // sums to 1 exactly; the unseen bin stays 0
        feature["categories"] = new JsonArray([.. categories.Select(c => JsonValue.Create(c))]);
        feature["proportions"] = new JsonArray([.. scaled.Append(0).Select(p => JsonValue.Create(p))]);
        feature["max"] = categories.Max();
        return profile.ToJsonString();
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The sum of <paramref name="selector"/> over each revision's pods at <paramref name="at"/>, from the sandbox's Prometheus (it scrapes the pods every 2 s).</summary>
    private static async Task<(double Stable, double Canary)> PerRevisionAsync(E2eSandbox e2e, string selector, DateTimeOffset at, string stable, string canary)
    {
        using var http = new HttpClient { BaseAddress = e2e.Sandbox.Prometheus.Url };
        var query = "api/v1/query?query=" + Uri.EscapeDataString($"sum by (pod) ({selector})") + "&time=" + at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var answer = JsonDocument.Parse(await http.GetStringAsync(new Uri(query, UriKind.Relative)));
        double stableSum = 0, canarySum = 0;
        foreach (var sample in answer.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var pod = sample.GetProperty("metric").GetProperty("pod").GetString() ?? string.Empty;
            var value = double.Parse(sample.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            if (pod.StartsWith(stable + "-", StringComparison.Ordinal))
            {
                stableSum += value;
            }
            else if (pod.StartsWith(canary + "-", StringComparison.Ordinal))
            {
                canarySum += value;
            }
        }

        return (stableSum, canarySum);
    }
}
