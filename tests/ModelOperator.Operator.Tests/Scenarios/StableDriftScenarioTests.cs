using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Reconciling;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>Given / When / Then: status.stableDrift, the stable revision's drift per feature and since when.</summary>
public sealed class StableDriftScenarioTests
{
    /// <summary>Every pod's model server answers the same drift exposition, which the test changes; the scrapes are counted.</summary>
    private sealed class DriftingServers : IPodScraper
    {
        public double Tenure { get; set; } = 0.41;

        public double Plan { get; set; } = 0.03;

        public double Rows { get; set; } = 300;

        /// <summary>Since when the servers see tenure drift (null: they do not).</summary>
        public DateTimeOffset? TenureSince { get; set; }

        /// <summary>Since when the servers see plan drift (null: they do not).</summary>
        public DateTimeOffset? PlanSince { get; set; }

        public int Scrapes { get; private set; }

        public Task<(int Status, string Body)> GetAsync(Pod pod, string path, CancellationToken cancellationToken)
        {
            Scrapes++;
            var body = string.Create(CultureInfo.InvariantCulture, $$"""
                modelserver_drift_psi{model="churn",version="1",series="feature",name="tenure"} {{Tenure}}
                modelserver_drift_psi{model="churn",version="1",series="feature",name="plan"} {{Plan}}
                modelserver_drift_window_rows{model="churn",version="1"} {{Rows}}
                modelserver_drift_detected_timestamp_seconds{model="churn",version="1"} {{(TenureSince ?? PlanSince)?.AddMinutes(-5).ToUnixTimeSeconds() ?? 0}}

                """) + Since("tenure", TenureSince) + Since("plan", PlanSince);
            return Task.FromResult((200, body));
        }

        // The server's per-series start, present only while that series drifts.
        private static string Since(string feature, DateTimeOffset? since) => since is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"modelserver_drift_series_detected_timestamp_seconds{{model=\"churn\",version=\"1\",series=\"feature\",name=\"{feature}\"}} {t.ToUnixTimeSeconds()}\n")
            : string.Empty;
    }

    private static ModelDeployment WithProfile(ModelDeployment md) => md with
    {
        Spec = md.Spec! with { Model = md.Spec.Model! with { Profile = new ModelProfile { Uri = "s3://models/churn/profile.json", Sha256 = new string('c', 64) } } },
    };

    private static void UseStableDrift(OperatorTestBed bed, DriftingServers servers, OutboundHttp http) =>
        bed.Reconciler = new ModelDeploymentReconciler(
            bed.Client, bed.View, _ => bed, bed, bed,
            new EventRecorder(bed.Client.Resource<Event>(), bed.Clock), bed.Options, new OperatorMetrics(Prometheus.Metrics.NewCustomRegistry()), bed.Clock,
            NullLogger<ModelDeploymentReconciler>.Instance,
            new StableDriftSource(servers, new PrometheusAnalysisProvider(http, [], NullLogger<PrometheusAnalysisProvider>.Instance), NullLogger<StableDriftSource>.Instance));

    [Fact]
    public async Task The_stable_revisions_drift_is_in_status_and_an_unchanged_drift_writes_nothing()
    {
        // Given a model with a reference profile whose stable pods see tenure drift since a minute before they are read
        // (and a drift episode of the whole model that began earlier, with another series)
        await using var bed = await OperatorTestBed.StartAsync();
        using var http = new OutboundHttp(bed.Options, bed.Clock);
        var servers = new DriftingServers { TenureSince = bed.Clock.GetUtcNow().AddMinutes(-1) };
        UseStableDrift(bed, servers, http);
        var started = servers.TenureSince!.Value;

        // When it becomes healthy
        var md = await ScenarioTests.HealthyAsync(bed, WithProfile(ScenarioTests.Md()));
        md = await bed.RunUntilAsync("churn", m => m.Status?.StableDrift?.Features?.Count > 0);

        // Then status names the drifting feature first, since its own start on the servers, and the quiet one after it
        var drift = md.Status!.StableDrift!;
        Assert.Equal(md.Status.StableRevision!.Name, drift.Revision);
        Assert.Equal(1200, drift.Samples); // 4 pods × 300 rows
        Assert.Equal(new FeatureDriftStatus { Name = "tenure", Score = 0.41, Threshold = 0.25, Drifting = true, Since = started }, drift.Features![0]);
        Assert.Equal(new FeatureDriftStatus { Name = "plan", Score = 0.03, Threshold = 0.25, Drifting = false }, drift.Features[1]);

        // When the servers report the same values (to the rounding kept) over several intervals
        bed.Server.ResetWriteCounts();
        var scrapes = servers.Scrapes;
        servers.Rows = 301;
        servers.Tenure = 0.4104;
        for (var i = 0; i < 4; i++)
        {
            bed.Clock.Advance(TimeSpan.FromSeconds(30));
            await bed.RoundAsync("churn");
        }

        // Then the pods were read every interval and nothing was written
        Assert.True(servers.Scrapes >= scrapes + 4 * 4, $"scrapes {servers.Scrapes - scrapes}");
        var writes = bed.Server.AllWrites();
        Assert.True(writes.Total == 0 && writes.StatusTotal == 0, $"an unchanged stable drift wrote: {writes}");

        // When tenure's score moves and plan starts drifting, its servers seeing it cross 12 seconds into the interval
        servers.Tenure = 0.52;
        servers.Plan = 0.3;
        var planCrossed = bed.Clock.GetUtcNow().AddSeconds(12);
        servers.PlanSince = planCrossed;
        bed.Clock.Advance(TimeSpan.FromSeconds(30));
        await bed.RoundAsync("churn");

        // Then one status write carries it: tenure keeps its since, plan dates from its own crossing
        var after = (await bed.GetAsync("churn")).Status!.StableDrift!;
        Assert.Equal(1, bed.Server.AllWrites().StatusTotal);
        Assert.Equal(("tenure", 0.52, started), (after.Features![0].Name!, after.Features[0].Score!.Value, after.Features[0].Since!.Value));
        Assert.Equal(("plan", true, planCrossed), (after.Features[1].Name!, after.Features[1].Drifting!.Value, after.Features[1].Since!.Value));

        // When plan recovers (its servers drop its start) and crosses again later
        servers.Plan = 0.05;
        servers.PlanSince = null;
        bed.Clock.Advance(TimeSpan.FromSeconds(30));
        await bed.RoundAsync("churn");
        var recovered = (await bed.GetAsync("churn")).Status!.StableDrift!.Features!.Single(f => f.Name == "plan");
        servers.Plan = 0.33;
        var crossedAgain = bed.Clock.GetUtcNow().AddSeconds(5);
        servers.PlanSince = crossedAgain;
        bed.Clock.Advance(TimeSpan.FromSeconds(30));
        await bed.RoundAsync("churn");

        // Then plan lost its since while it did not drift and dates the new drift from the new crossing; tenure never moved
        var again = (await bed.GetAsync("churn")).Status!.StableDrift!;
        Assert.Equal((false, (DateTimeOffset?)null), (recovered.Drifting!.Value, recovered.Since));
        Assert.Equal(crossedAgain, again.Features!.Single(f => f.Name == "plan").Since);
        Assert.Equal(started, again.Features!.Single(f => f.Name == "tenure").Since);
    }

    [Fact]
    public async Task Without_a_reference_profile_no_stable_pod_is_read_and_status_has_no_drift()
    {
        await using var bed = await OperatorTestBed.StartAsync();
        using var http = new OutboundHttp(bed.Options, bed.Clock);
        var servers = new DriftingServers();
        UseStableDrift(bed, servers, http);

        var md = await ScenarioTests.HealthyAsync(bed);
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        await bed.RoundAsync("churn");

        Assert.Null((await bed.GetAsync("churn")).Status!.StableDrift);
        Assert.Equal(0, servers.Scrapes);
        Assert.Equal(Phases.Healthy, md.Status!.Phase);
    }
}
