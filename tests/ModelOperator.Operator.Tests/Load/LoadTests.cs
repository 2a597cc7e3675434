using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Load;
using ModelOperator.Operator.Tests.Analysis;

namespace ModelOperator.Operator.Tests.Load;

public sealed class LoadTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class OnePod(Func<string> body) : IPodScraper
    {
        public Task<(int Status, string Body)> GetAsync(Pod pod, string path, CancellationToken cancellationToken) => Task.FromResult((200, body()));
    }

    [Fact]
    public async Task The_direct_source_rates_a_pod_against_its_previous_scrape()
    {
        var exposition = DirectAnalysisProviderTests.Exposition(1000, 0) + "modelserver_requests_in_flight{model=\"churn\"} 4\nmodelserver_model_load_duration_seconds{model=\"churn\"} 12.5\n";
        var source = new DirectLoadSource(new OnePod(() => exposition), NullLogger<DirectLoadSource>.Instance);
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "churn-abc-0", Uid = "u1" },
            Status = new PodStatus { PodIP = "10.0.0.9", Conditions = [new PodCondition { Type = "Ready", Status = "True" }] },
        };

        var first = await source.ObserveAsync("churn-abc", [pod], T0, CancellationToken.None);
        exposition = DirectAnalysisProviderTests.Exposition(1590, 10) + "modelserver_requests_in_flight{model=\"churn\"} 9\n";
        var second = await source.ObserveAsync("churn-abc", [pod], T0 + TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.True(double.IsNaN(first.Throughput));
        Assert.Equal((4.0, 12.5), (first.InFlight, first.ModelLoadTime));
        Assert.Equal(20, second.Throughput, 9);
        Assert.Equal(9, second.InFlight);
        Assert.InRange(second.P95Latency, 0, 0.05);
    }

    [Fact]
    public async Task Scrapes_of_pods_that_are_gone_or_not_seen_for_a_while_are_forgotten()
    {
        var source = new DirectLoadSource(new OnePod(() => DirectAnalysisProviderTests.Exposition(10, 0)), NullLogger<DirectLoadSource>.Instance);
        Pod Ready(string name) => new()
        {
            Metadata = new ObjectMeta { Name = name, Uid = name },
            Status = new PodStatus { PodIP = "10.0.0.9", Conditions = [new PodCondition { Type = "Ready", Status = "True" }] },
        };

        await source.ObserveAsync("old", [Ready("old-0")], T0, CancellationToken.None);
        await source.ObserveAsync("new", [Ready("new-0"), Ready("new-1")], T0, CancellationToken.None);
        await source.ObserveAsync("new", [Ready("new-1")], T0 + TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(2, source.Remembered); // new-0 is gone; old-0 is kept for a while

        await source.ObserveAsync("new", [Ready("new-1")], T0 + DirectLoadSource.ForgetAfter + TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(1, source.Remembered); // old-0 was not seen for too long
    }
}
