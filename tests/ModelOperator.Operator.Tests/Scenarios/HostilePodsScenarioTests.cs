using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Reconciling;
using ModelOperator.Operator.Tests.Support;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// Given / When / Then: one tenant's pods answer the operator's scrapes with a hostile server (silence, a trickle, a
/// gigabyte, a redirect to an internal address) while another tenant rolls out. The operator is wired as in production
/// (<see cref="OperatorWiring.OutboundParts"/>, the outbound budget per reconcile) and reads both over real sockets; the
/// clock is manual, and the hostile tenant's calls end when it reaches their timeout.
/// </summary>
public sealed class HostilePodsScenarioTests
{
    private const string PortAnnotation = "modeloperator.io/test-port";
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);

    private sealed record Outcome(TimeSpan SteadyPromotedAfter, int RoundsWhileEvilWasStuck, ModelDeployment? Evil, IReadOnlyList<Event> EvilEvents, long EvilBytesSent, int EvilRequests, int InternalRequests);

    [Theory]
    [InlineData(Hostility.Silent, "did not answer in full within 5s")]
    [InlineData(Hostility.Trickle, "did not answer in full within 5s")]
    [InlineData(Hostility.Huge, "answered more than 1048576 bytes (MAX_RESPONSE_BYTES); reading stopped there")]
    [InlineData(Hostility.Redirect, "answered HTTP 302, a redirect; the operator does not follow redirects")]
    public async Task A_tenant_whose_pods_answer_with_hostility_is_rolled_back_with_the_reason_and_others_roll_out_at_their_usual_pace(Hostility hostility, string reason)
    {
        // Given the pace of a rollout with no hostile tenant around
        var usual = await RunAsync(null);

        // When another tenant's pods never answer, trickle, answer 1 GiB or redirect, during the same rollout
        var run = await RunAsync(hostility);

        // Then the steady tenant is promoted at the same time on the clock as without it
        Assert.Equal(usual.SteadyPromotedAfter, run.SteadyPromotedAfter);
        // and its reconciles completed while the hostile tenant's was stuck on a pod that had not answered yet
        if (hostility is Hostility.Silent or Hostility.Trickle)
        {
            Assert.True(run.RoundsWhileEvilWasStuck >= 1, $"{run.RoundsWhileEvilWasStuck} rounds");
        }

        // and the hostile tenant's analysis errors named the bound, until its canary was rolled back for them
        var evil = run.Evil!;
        Assert.Equal(Phases.RolledBack, evil.Status!.Phase);
        Assert.Equal(Reasons.AnalysisFailed, evil.Status.LastDecision!.Reason);
        Assert.True(evil.Status.LastDecision.Message!.Contains(reason, StringComparison.Ordinal), evil.Status.LastDecision.Message);
        Assert.Contains(run.EvilEvents, e => e.Reason == Reasons.AnalysisFailed && e.Message!.Contains(reason, StringComparison.Ordinal));
        // without the operator reading more than the cap, or following the redirect, or repeating its target
        Assert.True(run.EvilBytesSent / run.EvilRequests < 64L << 20, $"{run.EvilBytesSent} bytes over {run.EvilRequests} requests");
        Assert.Equal(0, run.InternalRequests);
        Assert.DoesNotContain("meta-data", evil.Status.LastDecision.Message, StringComparison.Ordinal);
    }

    private static async Task<Outcome> RunAsync(Hostility? hostility)
    {
        await using var bed = await OperatorTestBed.StartAsync();
        var start = bed.Clock.GetUtcNow();
        // The steady tenant's model server: 10 successful requests a second on the clock, ready.
        await using var good = await FakeHttpServer.StartAsync(r => r.Path == "/metrics"
            ? (200, "text/plain; version=0.0.4", string.Create(CultureInfo.InvariantCulture,
                $"modelserver_requests_total{{model=\"churn\",outcome=\"success\"}} {10 * (bed.Clock.GetUtcNow() - start).TotalSeconds}\n"))
            : (200, "application/json", "{\"ready\":true}"));
        await using var internalService = await FakeHttpServer.StartAsync(_ => (200, "text/plain", "instance credentials"));
        await using var hostile = HostileHttpServer.Start(hostility ?? Hostility.Silent, new Uri(internalService.BaseUrl, "latest/meta-data"));
        var options = bed.Options with
        {
            PodPortAnnotation = PortAnnotation,
            AnalysisTimeout = TimeSpan.FromSeconds(5),
            MaxResponseBytes = 1 << 20,
            OutboundDeadline = TimeSpan.FromSeconds(20),
        };
        using var http = new OutboundHttp(options, bed.Clock);
        var (providers, probe, load) = OperatorWiring.OutboundParts(options, http, NullLoggerFactory.Instance);
        var reconciler = new OutboundBudgetReconciler(
            new ModelDeploymentReconciler(bed.Client, bed.View, providers, probe, load,
                new EventRecorder(bed.Client.Resource<Event>(), bed.Clock), options, new OperatorMetrics(Prometheus.Metrics.NewCustomRegistry()), bed.Clock,
                NullLogger<ModelDeploymentReconciler>.Instance),
            options, bed.Clock);
        var ports = new Dictionary<string, int>(StringComparer.Ordinal) { ["steady"] = good.Port };
        await bed.CreateAsync(Named("steady"));
        if (hostility is not null)
        {
            ports["evil"] = hostile.Port;
            await bed.CreateAsync(Named("evil"));
        }

        TimeSpan? promotedAfter = null;
        DateTimeOffset? rolloutStart = null;
        var stuckRounds = 0;
        for (var round = 0; round < 400; round++)
        {
            await bed.SimulateDeploymentControllerAsync();
            await PointPodsAsync(bed, ports);

            // The hostile tenant's reconcile first; once its pod has the request (or it finished), the steady one's.
            var asked = hostile.Requests;
            var evilRound = hostility is null ? Task.FromResult(ReconcileResult.Done) : reconciler.ReconcileAsync(OperatorTestBed.Key("evil"), CancellationToken.None);
            await Task.WhenAny(evilRound, hostile.RequestedAsync(asked + 1)).WaitAsync(TimeSpan.FromSeconds(30));
            var stuck = !evilRound.IsCompleted;
            await reconciler.ReconcileAsync(OperatorTestBed.Key("steady"), CancellationToken.None);
            if (stuck && !evilRound.IsCompleted && hostility is Hostility.Silent or Hostility.Trickle)
            {
                stuckRounds++;
            }

            if (hostility is not (Hostility.Silent or Hostility.Trickle))
            {
                // A gigabyte or a redirect ends the call by itself (at the cap, at the 3xx): let it, before the clock moves.
                await evilRound.WaitAsync(TimeSpan.FromSeconds(30));
            }

            bed.Clock.Advance(Tick); // the only clock movement of a round: what releases a stuck call is the round's own tick
            await evilRound.WaitAsync(TimeSpan.FromSeconds(30));
            await bed.SimulateDeploymentControllerAsync();
            await PointPodsAsync(bed, ports);

            var steady = await bed.GetAsync("steady");
            var evil = hostility is null ? null : await bed.GetAsync("evil");
            if (rolloutStart is null && steady.Status?.Phase == Phases.Healthy && (evil is null || evil.Status?.Phase == Phases.Healthy))
            {
                // Given both run version 1; when version 2 rolls out on both
                rolloutStart = bed.Clock.GetUtcNow();
                await NewVersionAsync(bed, "steady");
                if (evil is not null)
                {
                    await NewVersionAsync(bed, "evil");
                }

                continue;
            }

            if (rolloutStart is { } since && promotedAfter is null && steady.Status?.StableRevision?.ModelVersion == "2" && steady.Status.Phase == Phases.Healthy)
            {
                promotedAfter = bed.Clock.GetUtcNow() - since;
            }

            if (promotedAfter is not null && (evil is null || evil.Status?.Phase == Phases.RolledBack))
            {
                var events = (await bed.Client.Resource<Event>().ListAllAsync(OperatorTestBed.Namespace)).Items.Where(e => e.InvolvedObject?.Name == "evil").ToList();
                return new Outcome(promotedAfter.Value, stuckRounds, evil, events, hostile.BytesSent, Math.Max(1, hostile.Requests), internalService.Requests.Count);
            }
        }

        var last = await bed.GetAsync("steady");
        Assert.Fail($"not done after 400 rounds: steady {last.Status?.Phase} ({last.Status?.LastDecision?.Message})");
        return null!;
    }

    private static ModelDeployment Named(string name)
    {
        var md = ScenarioTests.Md();
        return md with { Metadata = md.Metadata with { Name = name } };
    }

    private static async Task NewVersionAsync(OperatorTestBed bed, string name)
    {
        var md = await bed.GetAsync(name);
        await bed.Client.Resource<ModelDeployment>().UpdateAsync(md with { Spec = md.Spec! with { Model = md.Spec.Model! with { Version = "2", Uri = "s3://models/churn/2/model.onnx" } } });
    }

    /// <summary>Points each tenant's pods at its server: 127.0.0.1 and the port in the annotation the operator is told to read.</summary>
    private static async Task PointPodsAsync(OperatorTestBed bed, IReadOnlyDictionary<string, int> ports)
    {
        foreach (var pod in (await bed.Client.Resource<Pod>().ListAllAsync(OperatorTestBed.Namespace)).Items)
        {
            if (pod.Metadata.Labels?.GetValueOrDefault(Labels.Deployment) is not { } owner || !ports.TryGetValue(owner, out var port)
                || pod.Metadata.Annotations?.ContainsKey(PortAnnotation) == true || pod.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            var annotated = await bed.Client.Resource<Pod>().UpdateAsync(pod with
            {
                Metadata = pod.Metadata with { Annotations = new Dictionary<string, string> { [PortAnnotation] = port.ToString(CultureInfo.InvariantCulture) } },
            });
            await bed.Client.Resource<Pod>().UpdateStatusAsync(annotated with { Status = annotated.Status! with { PodIP = "127.0.0.1" } });
        }
    }
}
