using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Reconciling;
using ModelOperator.Operator.Secrets;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Tests.Support;
using ModelOperator.Operator.Webhooks;
using Prometheus;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// Given / When / Then: spec.rollout.webhooks called by the operator's background dispatcher over its bounded client,
/// against real HTTP servers on 127.0.0.1, the decisions read back from the ModelDeployment's status and Events.
/// </summary>
public sealed class WebhookScenarioTests
{
    private static readonly IReadOnlyList<RolloutStep> OneStep = [new RolloutStep { SetWeight = 50 }];

    private static ModelDeployment WithHooks(params RolloutWebhook[] hooks)
    {
        var md = ScenarioTests.Md(steps: OneStep);
        return md with { Spec = md.Spec! with { Rollout = md.Spec.Rollout! with { Webhooks = hooks } } };
    }

    private static RolloutWebhook Hook(string name, string kind, string at, Uri server, string timeout = "1s", int retries = 0) => new()
    {
        Name = name, Kind = kind, At = at, Timeout = timeout, Retries = retries,
        Url = server + name + "?revision={{revision}}&token=s3cr3t",
    };

    /// <summary>The bed with a reconciler that calls webhooks through a dispatcher on the bed's clock, allowing <paramref name="allowed"/>.</summary>
    internal sealed class Bed : IAsyncDisposable
    {
        private Bed(OperatorTestBed inner, OutboundHttp http, WebhookDispatcher dispatcher, CollectorRegistry registry)
        {
            Inner = inner;
            Http = http;
            Dispatcher = dispatcher;
            Registry = registry;
        }

        public OperatorTestBed Inner { get; }

        public OutboundHttp Http { get; }

        public WebhookDispatcher Dispatcher { get; }

        public CollectorRegistry Registry { get; }

        public static Task<Bed> StartAsync(params Uri[] allowed) => StartAsync(NullLoggerFactory.Instance, allowed);

        /// <summary>The same, logging to <paramref name="loggers"/> (the reconciler and the dispatcher).</summary>
        public static async Task<Bed> StartAsync(ILoggerFactory loggers, params Uri[] allowed)
        {
            var inner = await OperatorTestBed.StartAsync();
            string[] prefixes = [.. allowed.Select(u => u.ToString())];
            inner.Options = inner.Options with { AnalysisWebAllowedPrefixes = prefixes };
            var http = new OutboundHttp(inner.Options, inner.Clock);
            var registry = Prometheus.Metrics.NewCustomRegistry();
            var metrics = new OperatorMetrics(registry);
            var events = new EventRecorder(inner.Client.Resource<Event>(), inner.Clock);
            var dispatcher = new WebhookDispatcher(http, prefixes, metrics, inner.Clock, loggers.CreateLogger<WebhookDispatcher>(),
                new SecretHeaderReader(inner.Client.Resource<Secret>(), inner.Clock), events);
            inner.Reconciler = new ModelDeploymentReconciler(
                inner.Client, inner.View, _ => inner, inner, inner,
                events, inner.Options, metrics, inner.Clock,
                loggers.CreateLogger<ModelDeploymentReconciler>(), webhooks: dispatcher);
            return new Bed(inner, http, dispatcher, registry);
        }

        /// <summary>
        /// Rounds until <paramref name="done"/> holds: after each, the calls it started are given a moment of real time
        /// to reach the local server and come back (I/O, not logic), then the clock moves on.
        /// </summary>
        public async Task<ModelDeployment> RunUntilAsync(Func<ModelDeployment, bool> done, string name = "churn", int limit = 200)
        {
            for (var i = 0; i < limit; i++)
            {
                await Inner.RoundAsync(name);
                var md = await Inner.GetAsync(name);
                if (done(md))
                {
                    return md;
                }

                await SettledAsync();
                Inner.Clock.Advance(TimeSpan.FromSeconds(5));
            }

            var last = await Inner.GetAsync(name);
            Assert.Fail($"not reached after {limit} rounds: phase {last.Status?.Phase}, last decision {last.Status?.LastDecision?.Message}");
            return last;
        }

        /// <summary>Waits (at most 2 s of real time) until no call is running; a server that never answers keeps one running.</summary>
        public async Task SettledAsync()
        {
            for (var waited = 0; Dispatcher.Running > 0 && waited < 200; waited++)
            {
                await Task.Delay(10);
            }
        }

        public double Calls(string kind, string outcome) => Scrape().Contains($"modeloperator_webhook_calls_total{{kind=\"{kind}\",outcome=\"{outcome}\"}}", StringComparison.Ordinal)
            ? double.Parse(Scrape().Split('\n').Single(l => l.StartsWith($"modeloperator_webhook_calls_total{{kind=\"{kind}\",outcome=\"{outcome}\"}}", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)
            : 0;

        public async Task<IReadOnlyList<Event>> EventsAsync() => (await Inner.Client.Resource<Event>().ListAllAsync(OperatorTestBed.Namespace)).Items;

        public string Scrape()
        {
            using var stream = new MemoryStream();
            Registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
            return System.Text.Encoding.UTF8.GetString(stream.ToArray());
        }

        public async ValueTask DisposeAsync()
        {
            Dispatcher.Dispose();
            Http.Dispose();
            await Inner.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_confirm_that_answers_503_then_200_holds_the_promotion_then_lets_it_through()
    {
        // Given an approval service that answers 503 until approved
        var approved = false;
        await using var approvals = await FakeHttpServer.StartAsync(_ => (approved ? 200 : 503, "text/plain", ""));
        await using var bed = await Bed.StartAsync(approvals.BaseUrl);
        await ScenarioTests.HealthyAsync(bed.Inner, WithHooks(Hook("approve", WebhookKinds.Confirm, WebhookPoints.BeforePromotion, approvals.BaseUrl)));

        // When version 2 rolls out
        await ScenarioTests.NewVersionAsync(bed.Inner, "2");
        var md = await bed.RunUntilAsync(m => m.Status?.Conditions?.Any(c => c.Reason == Reasons.WaitingForConfirmation && c.Message!.Contains("HTTP 503", StringComparison.Ordinal)) == true);

        // Then it waits, paused, naming the webhook and its answer, with the canary asked about by revision
        Assert.Equal(Phases.Paused, md.Status!.Phase);
        Assert.Equal((DecisionActions.Pause, Reasons.WaitingForConfirmation), (md.Status.LastDecision!.Action, md.Status.LastDecision.Reason));
        Assert.Contains("waiting for confirm webhook approve at beforePromotion", md.Status.LastDecision.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", md.Status.LastDecision.Message, StringComparison.Ordinal);
        var canary = md.Status.CanaryRevision!.Name!;
        Assert.Contains($"/approve?revision={canary}&token=s3cr3t", approvals.Requests);
        md = await bed.RunUntilAsync(m => m.Status!.Webhooks!.Single().Attempts >= 3);
        Assert.Equal(Phases.Paused, md.Status!.Phase);

        // And when the approval comes, the canary is promoted
        approved = true;
        md = await bed.RunUntilAsync(m => m.Status?.CanaryRevision is null);
        Assert.Equal("2", md.Status!.StableRevision!.ModelVersion);
        Assert.True(md.Status.Webhooks!.Single().Succeeded);
        Assert.True(bed.Calls(WebhookKinds.Confirm, WebhookOutcomes.HttpError) >= 3);
        Assert.Equal(1, bed.Calls(WebhookKinds.Confirm, WebhookOutcomes.Success));
    }

    [Fact]
    public async Task A_check_that_fails_rolls_the_canary_back_naming_the_webhook_and_the_status_code()
    {
        await using var loadTest = await FakeHttpServer.StartAsync(_ => (500, "text/plain", "boom"));
        await using var bed = await Bed.StartAsync(loadTest.BaseUrl);
        await ScenarioTests.HealthyAsync(bed.Inner, WithHooks(Hook("smoke", WebhookKinds.Check, WebhookPoints.BeforeRollout, loadTest.BaseUrl, retries: 1)));

        await ScenarioTests.NewVersionAsync(bed.Inner, "2");
        var md = await bed.RunUntilAsync(m => m.Status?.Phase == Phases.RolledBack);

        var decision = md.Status!.LastDecision!;
        Assert.Equal((DecisionActions.Rollback, Reasons.WebhookCheckFailed), (decision.Action, decision.Reason));
        Assert.Contains("check webhook smoke at beforeRollout", decision.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", decision.Message, StringComparison.Ordinal);
        Assert.Equal(2, loadTest.Requests.Count); // the call and its one retry
        Assert.Contains(await bed.EventsAsync(), e => e.Reason == Reasons.WebhookCheckFailed && e.Type == "Warning" && e.Message!.Contains("smoke", StringComparison.Ordinal));
        Assert.Equal(2, bed.Calls(WebhookKinds.Check, WebhookOutcomes.HttpError));
    }

    [Fact]
    public async Task A_webhook_that_never_answers_times_out_without_holding_a_reconcile_and_another_deployment_rolls_on()
    {
        // Given a check whose server reads the request and never answers
        await using var silent = HostileHttpServer.Start(Hostility.Silent);
        await using var bed = await Bed.StartAsync(silent.BaseUrl);
        await ScenarioTests.HealthyAsync(bed.Inner, WithHooks(Hook("slow", WebhookKinds.Check, WebhookPoints.BeforeRollout, silent.BaseUrl, timeout: "30s")));

        // When version 2 asks for the check
        await ScenarioTests.NewVersionAsync(bed.Inner, "2");
        await bed.Inner.RoundAsync("churn");
        await silent.RequestedAsync(1).WaitAsync(TimeSpan.FromSeconds(10));

        // Then the reconcile returned while the call hangs, and another ModelDeployment deploys meanwhile
        Assert.Equal(1, bed.Dispatcher.Running);
        var other = ScenarioTests.Md() with { Metadata = new ObjectMeta { Name = "other", Namespace = OperatorTestBed.Namespace } };
        await bed.Inner.CreateAsync(other);
        await bed.Inner.RunUntilAsync("other", m => m.Status?.Phase == Phases.Healthy, tick: TimeSpan.FromSeconds(1), limit: 10);
        Assert.Equal(1, bed.Dispatcher.Running);
        var waiting = await bed.Inner.GetAsync("churn");
        Assert.Equal(Reasons.WaitingForWebhook, waiting.Status!.Conditions!.Single(c => c.Type == Conditions.Progressing).Reason);

        // And the call ends at its 30 s timeout, which fails the check
        var md = await bed.RunUntilAsync(m => m.Status?.Phase == Phases.RolledBack);
        Assert.Equal(Reasons.WebhookCheckFailed, md.Status!.LastDecision!.Reason);
        Assert.Contains("did not answer in full within 30s", md.Status.LastDecision.Message, StringComparison.Ordinal);
        Assert.Equal(1, bed.Calls(WebhookKinds.Check, WebhookOutcomes.Timeout));
    }

    [Fact]
    public async Task A_webhook_that_redirects_is_not_followed_and_counts_as_a_failure()
    {
        await using var target = await FakeHttpServer.StartAsync(_ => (200, "text/plain", ""));
        await using var redirecting = HostileHttpServer.Start(Hostility.Redirect, target.BaseUrl);
        await using var bed = await Bed.StartAsync(redirecting.BaseUrl, target.BaseUrl);
        await ScenarioTests.HealthyAsync(bed.Inner, WithHooks(Hook("gate", WebhookKinds.Check, WebhookPoints.BeforePromotion, redirecting.BaseUrl)));

        await ScenarioTests.NewVersionAsync(bed.Inner, "2");
        var md = await bed.RunUntilAsync(m => m.Status?.Phase == Phases.RolledBack);

        Assert.Equal(Reasons.WebhookCheckFailed, md.Status!.LastDecision!.Reason);
        Assert.Contains("a redirect; the operator does not follow redirects", md.Status.LastDecision.Message, StringComparison.Ordinal);
        Assert.Empty(target.Requests);
        Assert.Equal(1, bed.Calls(WebhookKinds.Check, WebhookOutcomes.Redirect));
    }

    [Fact]
    public async Task Notify_webhooks_are_sent_once_on_promotion_and_once_on_rollback_not_on_every_resync()
    {
        await using var chat = await FakeHttpServer.StartAsync(_ => (204, "text/plain", ""));
        await using var bed = await Bed.StartAsync(chat.BaseUrl);
        await ScenarioTests.HealthyAsync(bed.Inner, WithHooks(
            Hook("promoted", WebhookKinds.Notify, WebhookPoints.AfterPromotion, chat.BaseUrl),
            Hook("rolled-back", WebhookKinds.Notify, WebhookPoints.OnRollback, chat.BaseUrl)));

        await ScenarioTests.NewVersionAsync(bed.Inner, "2");
        await bed.RunUntilAsync(m => m.Status?.CanaryRevision is null && m.Status?.Webhooks?.Any(w => w.Succeeded == true) == true);
        bed.Inner.Behave("3", new VersionBehaviour(CrashLoops: true));
        await ScenarioTests.NewVersionAsync(bed.Inner, "3");
        await bed.RunUntilAsync(m => m.Status?.Phase == Phases.RolledBack && m.Status.Webhooks?.Count(w => w.Succeeded == true) == 2);
        for (var i = 0; i < 20; i++)
        {
            await bed.Inner.RoundAsync("churn"); // resyncs
            await bed.SettledAsync();
            bed.Inner.Clock.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Single(chat.Requests, r => r.StartsWith("/promoted?", StringComparison.Ordinal));
        Assert.Single(chat.Requests, r => r.StartsWith("/rolled-back?", StringComparison.Ordinal));
        Assert.Equal(2, bed.Calls(WebhookKinds.Notify, WebhookOutcomes.Success));
    }

    [Fact]
    public async Task A_webhook_url_outside_the_allowlist_is_an_invalid_spec_with_a_condition_and_an_event()
    {
        await using var hooks = await FakeHttpServer.StartAsync(_ => (200, "text/plain", ""));
        await using var bed = await Bed.StartAsync(new Uri("https://hooks.example.com/"));
        await bed.Inner.CreateAsync(WithHooks(Hook("approve", WebhookKinds.Confirm, WebhookPoints.BeforePromotion, hooks.BaseUrl)));

        var md = await bed.RunUntilAsync(m => m.Status?.Phase == Phases.Invalid);
        for (var i = 0; i < 5; i++)
        {
            await bed.Inner.RoundAsync("churn");
        }

        var degraded = md.Status!.Conditions!.Single(c => c.Type == Conditions.Degraded);
        Assert.Equal(("True", Reasons.InvalidSpec), (degraded.Status, degraded.Reason));
        Assert.Contains("spec.rollout.webhooks[0].url", degraded.Message, StringComparison.Ordinal);
        Assert.Contains("ANALYSIS_WEB_ALLOWED_PREFIXES", degraded.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", degraded.Message, StringComparison.Ordinal);
        var warning = Assert.Single(await bed.EventsAsync(), e => e.Reason == Reasons.InvalidSpec);
        Assert.Equal("Warning", warning.Type);
        Assert.Empty(hooks.Requests);
    }
}
