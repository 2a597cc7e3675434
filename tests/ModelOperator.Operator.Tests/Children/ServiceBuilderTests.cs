using ModelOperator.Api;
using ModelOperator.Operator.Children;
using ModelOperator.Rollouts.Canary;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Tests.Children;

public sealed class ServiceBuilderTests
{
    public static TheoryData<TrafficRoutingMode, string[], string?> Cases => new()
    {
        // mode, the plan's backends (stable first), the revision label the main Service selects (null: none, every pod)
        { TrafficRoutingMode.ReplicaRatio, ["churn-stable", "churn-canary"], null },
        { TrafficRoutingMode.ReplicaRatio, ["churn-stable"], "churn-stable" },
        { TrafficRoutingMode.GatewayApi, ["churn-stable", "churn-canary"], "churn-stable" },
        { TrafficRoutingMode.GatewayApi, ["churn-stable"], "churn-stable" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_main_Service_selects_what_the_plan_names(TrafficRoutingMode mode, string[] backends, string? revision)
    {
        var plan = new TrafficPlan { Mode = mode, Backends = backends.Select(b => new TrafficBackend(b, 50)).ToList() };

        var service = ServiceBuilder.BuildMain(Samples.Churn(), plan.MainServiceRevision);

        Assert.Equal("churn", service.Metadata.Name);
        Assert.Equal("churn", service.Spec!.Selector![Labels.Deployment]);
        Assert.Equal(revision, service.Spec.Selector.GetValueOrDefault(Labels.Revision));
        Assert.Equal(revision is null ? 1 : 2, service.Spec.Selector.Count);
        Assert.DoesNotContain(Labels.Revision, service.Metadata.Labels!.Keys); // the Service itself is the ModelDeployment's, not a revision's
    }
}
