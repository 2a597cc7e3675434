using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Analysis.UserMetrics;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Reconciling;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Tests.Support;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// Given / When / Then: a user metric read from a real KPI server on 127.0.0.1 over the operator's bounded client, judged
/// by the reconciler beside the bed's built-in measurements, the result in the ModelDeployment's status.
/// </summary>
public sealed class UserMetricScenarioTests
{
    private static ModelDeployment WithKpi(Uri kpi)
    {
        var md = ScenarioTests.Md();
        var analysis = md.Spec!.Rollout!.Analysis! with
        {
            Metrics = [new AnalysisMetric { Name = "conversion", Min = 0.95, Web = new WebMetricSource { Url = kpi + "conversion?revision={{revision}}", JsonPath = "data.0.value" } }],
        };
        return md with { Spec = md.Spec with { Rollout = md.Spec.Rollout with { Analysis = analysis } } };
    }

    /// <summary>The bed's reconciler, with the user metrics measured beside its fake built-in ones through a real client.</summary>
    private static void MeasureUserMetrics(OperatorTestBed bed, OutboundHttp http, string[] webAllowed)
    {
        var source = new UserMetricSource(http, new PrometheusAnalysisProvider(http, [], NullLogger<PrometheusAnalysisProvider>.Instance), webAllowed, NullLogger<UserMetricSource>.Instance);
        bed.Reconciler = new ModelDeploymentReconciler(
            bed.Client, bed.View, _ => new WithUserMetrics(bed, source), bed, bed,
            new EventRecorder(bed.Client.Resource<Event>(), bed.Clock), bed.Options, new OperatorMetrics(Prometheus.Metrics.NewCustomRegistry()), bed.Clock,
            NullLogger<ModelDeploymentReconciler>.Instance);
    }

    [Fact]
    public async Task A_kpi_below_its_minimum_rolls_the_canary_back_with_the_kpi_in_the_last_decision()
    {
        // Given a KPI service that reports a conversion of 0.8 and is on the admin's allowlist
        await using var kpi = await FakeHttpServer.StartAsync(_ => (200, "application/json", "{\"data\":[{\"value\":0.8}]}"));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        await using var bed = await OperatorTestBed.StartAsync();
        MeasureUserMetrics(bed, http, [kpi.BaseUrl.ToString()]);
        await ScenarioTests.HealthyAsync(bed, WithKpi(kpi.BaseUrl));

        // When version 2 is rolled out (its built-in metrics are healthy)
        await ScenarioTests.NewVersionAsync(bed, "2");
        var md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack);

        // Then it is rolled back for the KPI, and the KPI service was asked about the canary's revision
        var decision = md.Status!.LastDecision!;
        Assert.Equal((Reasons.MetricOutOfRange, "conversion", 0.8, 0.95), (decision.Reason, decision.Metric, decision.ObservedValue, decision.Threshold));
        var canary = md.Status.QuarantinedRevisions!.Single().Name;
        Assert.Contains($"/conversion?revision={canary}", kpi.Requests);
    }

    [Fact]
    public async Task A_kpi_url_the_admin_did_not_allow_is_never_called_and_fails_the_analysis()
    {
        await using var kpi = await FakeHttpServer.StartAsync(_ => (200, "application/json", "{\"data\":[{\"value\":0.99}]}"));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        await using var bed = await OperatorTestBed.StartAsync();
        MeasureUserMetrics(bed, http, []);
        await ScenarioTests.HealthyAsync(bed, WithKpi(kpi.BaseUrl));

        await ScenarioTests.NewVersionAsync(bed, "2");
        var md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack);

        Assert.Equal(Reasons.AnalysisFailed, md.Status!.LastDecision!.Reason);
        Assert.Contains("ANALYSIS_WEB_ALLOWED_PREFIXES", md.Status.LastDecision.Message, StringComparison.Ordinal);
        Assert.Empty(kpi.Requests);
    }
}
