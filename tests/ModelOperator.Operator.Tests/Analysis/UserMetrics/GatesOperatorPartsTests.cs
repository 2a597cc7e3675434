using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Reconciling;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Tests.Settings;
using ModelOperator.Rollouts.Analysis;
using Prometheus;

namespace ModelOperator.Operator.Tests.Analysis.UserMetrics;

/// <summary>The operator's edges of the evidence fixes: the web allowlist setting, the drift window, the unproven gauge.</summary>
public sealed class GatesOperatorPartsTests
{
    [Fact]
    public void The_web_allowlist_is_empty_by_default_set_by_variable_or_flag_and_checked()
    {
        Assert.Empty(OperatorOptionsParser.Parse([], OperatorOptionsParserTests.Env(), out _).AnalysisWebAllowedPrefixes);

        var options = OperatorOptionsParser.Parse(["--analysis-web-allowed-prefixes=https://kpi.shop.svc/api, http://payments-metrics.payments.svc"], OperatorOptionsParserTests.Env(), out var problems);
        Assert.Empty(problems);
        Assert.Equal(["https://kpi.shop.svc/api", "http://payments-metrics.payments.svc"], options.AnalysisWebAllowedPrefixes);

        OperatorOptionsParser.Parse([], OperatorOptionsParserTests.Env(("ANALYSIS_WEB_ALLOWED_PREFIXES", "kpi.shop.svc")), out problems);
        Assert.Equal(["ANALYSIS_WEB_ALLOWED_PREFIXES (--analysis-web-allowed-prefixes) has 'kpi.shop.svc': it must be an absolute http:// or https:// URL such as http://prometheus-operated.monitoring:9090"], problems);
    }

    [Fact]
    public void Feature_drift_is_reported_over_the_servers_drift_window_and_the_rest_over_the_interval()
    {
        var interval = TimeSpan.FromSeconds(30);
        var result = new AnalysisResult
        {
            Revision = "churn-2",
            MeasuredAt = DateTimeOffset.UnixEpoch,
            ErrorRate = Measurement.Of(0.01, 500, interval),
            FeatureDrift = Measurement.Of(0.3, 900, interval),
        };

        var reported = ClusterObserver.WithDriftWindow(result, TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.FromMinutes(5), reported.FeatureDrift!.Window);
        Assert.Equal(interval, reported.ErrorRate!.Window);
        var verdict = AnalysisEvaluator.EvaluateMetric(MetricNames.FeatureDrift, reported.FeatureDrift, 0.2, 50)!;
        Assert.Equal("featureDrift 0.3 is above the maximum 0.2 over 900 samples in 5m", verdict.Message);
        Assert.Same(result, ClusterObserver.WithDriftWindow(result, null));
    }

    [Fact]
    public void The_unproven_gauge_is_one_while_a_bake_ended_without_evidence()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new OperatorMetrics(registry);
        var churn = new ObjectKey("ml", "churn");

        metrics.Observe(churn, new OperatorMetrics.DeploymentGauges(0, Phases.Healthy, null, null, Unproven: true));
        Assert.Contains("modeloperator_promotion_unproven{namespace=\"ml\",name=\"churn\"} 1", registry.Scrape(), StringComparison.Ordinal);

        metrics.Observe(churn, new OperatorMetrics.DeploymentGauges(0, Phases.Healthy, null, null));
        Assert.Contains("modeloperator_promotion_unproven{namespace=\"ml\",name=\"churn\"} 0", registry.Scrape(), StringComparison.Ordinal);

        metrics.Forget(churn);
        Assert.DoesNotContain("modeloperator_promotion_unproven{", registry.Scrape(), StringComparison.Ordinal);
    }
}
