using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;
using Prometheus;

namespace ModelOperator.Operator.Tests.Hosting;

public sealed class OperatorMetricsTests
{
    [Fact]
    public void Each_ModelDeployment_exports_its_weight_step_and_phase_until_forgotten()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new OperatorMetrics(registry);
        var churn = new ObjectKey("ml", "churn");

        metrics.Observe(churn, new OperatorMetrics.DeploymentGauges(25, Phases.Paused, null, null, Step: 2));
        var text = registry.Scrape();

        Assert.Contains("modeloperator_canary_weight{namespace=\"ml\",name=\"churn\"} 25", text, StringComparison.Ordinal);
        Assert.Contains("modeloperator_rollout_step{namespace=\"ml\",name=\"churn\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("modeloperator_phase{namespace=\"ml\",name=\"churn\",phase=\"Paused\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("modeloperator_phase{namespace=\"ml\",name=\"churn\",phase=\"Healthy\"} 0", text, StringComparison.Ordinal);

        metrics.Forget(churn);
        Assert.DoesNotContain("name=\"churn\"", registry.Scrape(), StringComparison.Ordinal);
    }
}
