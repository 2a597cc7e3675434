using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;
using ModelOperator.Operator.Analysis.UserMetrics;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Reconciling;
using ModelOperator.Operator.Secrets;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Tests.Support;
using ModelOperator.Operator.Webhooks;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// Given / When / Then: headers of web metrics and webhooks whose values come from Secrets, sent to real HTTP servers on
/// 127.0.0.1 by the reconciler and the webhook dispatcher. The header arrives; a missing Secret or key is named, with an
/// Event, and nothing is sent; the value never appears in status, Events, logs or metrics.
/// </summary>
public sealed class SecretHeaderScenarioTests
{
    private const string Token = "Bearer tok-5e1f0c2b9a77";
    private const string TokenPart = "tok-5e1f0c2b9a77";

    private static HttpHeader FromSecret(string secret, string key) =>
        new() { Name = "Authorization", ValueFrom = new HttpHeaderSource { SecretKeyRef = new SecretKey { Name = secret, Key = key } } };

    private static ModelDeployment WithKpi(Uri kpi, params HttpHeader[] headers)
    {
        var md = ScenarioTests.Md();
        var analysis = md.Spec!.Rollout!.Analysis! with
        {
            Metrics = [new AnalysisMetric { Name = "conversion", Min = 0.95, Web = new WebMetricSource { Url = kpi + "conversion", JsonPath = "value", Headers = headers } }],
        };
        return md with { Spec = md.Spec with { Rollout = md.Spec.Rollout with { Analysis = analysis } } };
    }

    private static Task<Secret> SecretAsync(OperatorTestBed bed, string @namespace, string name, string key, string value) =>
        bed.Client.Resource<Secret>().CreateAsync(new Secret
        {
            Metadata = new ObjectMeta { Name = name, Namespace = @namespace },
            Data = new Dictionary<string, byte[]> { [key] = Encoding.UTF8.GetBytes(value) },
        });

    /// <summary>The bed's reconciler, measuring user metrics with Secret headers through a real client, logging to <paramref name="loggers"/>.</summary>
    private static Prometheus.CollectorRegistry MeasureUserMetrics(OperatorTestBed bed, OutboundHttp http, Uri kpi, TestLoggerFactory loggers)
    {
        var source = new UserMetricSource(http, new PrometheusAnalysisProvider(http, [], NullLogger<PrometheusAnalysisProvider>.Instance), [kpi.ToString()],
            loggers.CreateLogger<UserMetricSource>(), new SecretHeaderReader(bed.Client.Resource<Secret>(), bed.Clock));
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new OperatorMetrics(registry);
        bed.Reconciler = new ModelDeploymentReconciler(
            bed.Client, bed.View, _ => new WithUserMetrics(bed, source), bed, bed,
            new EventRecorder(bed.Client.Resource<Event>(), bed.Clock, loggers.CreateLogger<EventRecorder>()), bed.Options, metrics, bed.Clock,
            loggers.CreateLogger<ModelDeploymentReconciler>());
        return registry;
    }

    /// <summary>Status, Events and log lines, none of which may hold the token.</summary>
    private static async Task AssertTheTokenIsNowhereAsync(OperatorTestBed bed, TestLoggerFactory loggers, string? scrape = null)
    {
        var md = await bed.GetAsync("churn");
        var status = System.Text.Json.JsonSerializer.Serialize(md.Status, ModelDeploymentJsonContext.Default.ModelDeploymentStatus);
        Assert.DoesNotContain(TokenPart, status, StringComparison.Ordinal);
        var events = (await bed.Client.Resource<Event>().ListAllAsync(OperatorTestBed.Namespace)).Items;
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.DoesNotContain(TokenPart, e.Message ?? string.Empty, StringComparison.Ordinal));
        Assert.NotEmpty(loggers.Entries);
        Assert.All(loggers.Entries, e => Assert.DoesNotContain(TokenPart, e.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(TokenPart, scrape ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_reaches_the_server_and_nowhere_else()
    {
        // Given a KPI service that answers only with the bearer token, which a Secret in the ModelDeployment's namespace holds
        var seen = new ConcurrentQueue<(string? Authorization, string? Tenant)>();
        await using var kpi = await FakeHttpServer.StartAsync(r =>
        {
            seen.Enqueue((r.Headers.Authorization, r.Headers["X-Tenant"]));
            return r.Headers.Authorization == Token ? (200, "application/json", "{\"value\":0.99}") : (401, "text/plain", "");
        });
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        await using var bed = await OperatorTestBed.StartAsync();
        var loggers = new TestLoggerFactory();
        var registry = MeasureUserMetrics(bed, http, kpi.BaseUrl, loggers);
        await SecretAsync(bed, OperatorTestBed.Namespace, "kpi-token", "authorization", Token);
        await ScenarioTests.HealthyAsync(bed, WithKpi(kpi.BaseUrl, FromSecret("kpi-token", "authorization"), new HttpHeader { Name = "X-Tenant", Value = "shop" }));

        // When version 2 rolls out
        await ScenarioTests.NewVersionAsync(bed, "2");
        var md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy && m.Status.StableRevision?.ModelVersion == "2");

        // Then every call carried the token and the literal header, the KPI passed, and the token is in no status, Event, log or metric
        Assert.NotEmpty(seen);
        Assert.All(seen, s => Assert.Equal((Token, "shop"), s));
        Assert.Equal("2", md.Status!.StableRevision!.ModelVersion);
        using var scrape = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(scrape);
        await AssertTheTokenIsNowhereAsync(bed, loggers, Encoding.UTF8.GetString(scrape.ToArray()));
    }

    [Fact]
    public async Task A_missing_key_is_inconclusive_names_the_Secret_and_key_and_sends_nothing_until_it_is_there()
    {
        // Given the Secret holds the token under another key than the one the metric names
        await using var kpi = await FakeHttpServer.StartAsync(r => r.Headers.Authorization == Token ? (200, "application/json", "{\"value\":0.99}") : (401, "text/plain", ""));
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        await using var bed = await OperatorTestBed.StartAsync();
        var loggers = new TestLoggerFactory();
        MeasureUserMetrics(bed, http, kpi.BaseUrl, loggers);
        await SecretAsync(bed, OperatorTestBed.Namespace, "kpi-token", "auth", Token);
        await ScenarioTests.HealthyAsync(bed, WithKpi(kpi.BaseUrl, FromSecret("kpi-token", "authorization")));

        // When version 2 rolls out
        await ScenarioTests.NewVersionAsync(bed, "2");
        var md = await bed.RunUntilAsync("churn", m => m.Status?.LastDecision?.Reason == Reasons.AnalysisInconclusive);

        // Then the analysis is inconclusive (never a pass), naming the Secret and the key, with an Event, and no request was sent
        var expected = "Secret ml/kpi-token has no key \"authorization\"";
        Assert.Contains(expected, md.Status!.LastDecision!.Message, StringComparison.Ordinal);
        Assert.Equal("1", md.Status.StableRevision!.ModelVersion);
        var events = (await bed.Client.Resource<Event>().ListAllAsync(OperatorTestBed.Namespace)).Items;
        Assert.Contains(events, e => e.Reason == Reasons.AnalysisInconclusive && e.Message!.Contains(expected, StringComparison.Ordinal));
        Assert.Empty(kpi.Requests);
        Assert.Contains(loggers.Entries, e => e.Message.Contains(expected, StringComparison.Ordinal));
        await AssertTheTokenIsNowhereAsync(bed, loggers);

        // And once the key is there (the Secret updated in place), the rollout goes on with the token
        var secret = await bed.Client.Resource<Secret>().GetAsync(new ObjectKey(OperatorTestBed.Namespace, "kpi-token"));
        await bed.Client.Resource<Secret>().UpdateAsync(secret with { Data = new Dictionary<string, byte[]> { ["authorization"] = Encoding.UTF8.GetBytes(Token) } });
        md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy && m.Status.StableRevision?.ModelVersion == "2");
        Assert.NotEmpty(kpi.Requests);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_the_token_never_reaches_another_host()
    {
        // Given a KPI service that redirects to another host
        var elsewhere = new ConcurrentQueue<string?>();
        await using var other = await FakeHttpServer.StartAsync(r =>
        {
            elsewhere.Enqueue(r.Headers.Authorization);
            return (200, "application/json", "{\"value\":0.99}");
        });
        await using var kpi = await FakeHttpServer.StartAsync(r =>
        {
            r.HttpContext.Response.Headers.Location = other.BaseUrl + "conversion";
            return (302, "text/plain", "");
        });
        using var http = new OutboundHttp(new OperatorOptions(), TimeProvider.System);
        await using var bed = await OperatorTestBed.StartAsync();
        var source = new UserMetricSource(http, new PrometheusAnalysisProvider(http, [], NullLogger<PrometheusAnalysisProvider>.Instance), [kpi.BaseUrl.ToString(), other.BaseUrl.ToString()],
            NullLogger<UserMetricSource>.Instance, new SecretHeaderReader(bed.Client.Resource<Secret>(), bed.Clock));
        await SecretAsync(bed, OperatorTestBed.Namespace, "kpi-token", "authorization", Token);
        var spec = WithKpi(kpi.BaseUrl, FromSecret("kpi-token", "authorization")).Spec!.Rollout!.Analysis;

        // When the metric is measured
        var measured = await source.MeasureAsync(new AnalysisRequest(OperatorTestBed.Key("churn"), spec, "churn-2b3c4d5e6f", "churn-1a2b3c4d5e", [], [], TimeSpan.FromSeconds(30), bed.Clock.GetUtcNow()), CancellationToken.None);

        // Then the redirect is an error, and the other host was never called
        Assert.Contains("redirect", measured["conversion"].Error, StringComparison.Ordinal);
        Assert.Single(kpi.Requests);
        Assert.Empty(elsewhere);
    }

    [Fact]
    public async Task A_confirm_webhook_waits_while_its_Secret_is_missing_and_a_Secret_of_another_namespace_is_never_read()
    {
        // Given an approval service that approves only with the token, and the token in a Secret of another namespace
        await using var approvals = await FakeHttpServer.StartAsync(r => r.Headers.Authorization == Token ? (200, "text/plain", "") : (401, "text/plain", ""));
        var loggers = new TestLoggerFactory();
        await using var bed = await WebhookScenarioTests.Bed.StartAsync(loggers, approvals.BaseUrl);
        await bed.Inner.Client.Resource<Namespace>().CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = "other-team" } });
        await SecretAsync(bed.Inner, "other-team", "approvals", "token", Token);
        var hook = new RolloutWebhook
        {
            Name = "approve", Kind = WebhookKinds.Confirm, At = WebhookPoints.BeforePromotion, Timeout = "1s", Url = approvals.BaseUrl + "approve",
            Headers = [FromSecret("approvals", "token")],
        };
        var md = ScenarioTests.Md(steps: [new RolloutStep { SetWeight = 50 }]);
        await ScenarioTests.HealthyAsync(bed.Inner, md with { Spec = md.Spec! with { Rollout = md.Spec.Rollout! with { Webhooks = [hook] } } });

        // When version 2 reaches its promotion
        await ScenarioTests.NewVersionAsync(bed.Inner, "2");
        var expected = "header Authorization: Secret ml/approvals was not found; the call was not sent";
        md = await bed.RunUntilAsync(m => m.Status?.Webhooks?.SingleOrDefault()?.Attempts >= 2);

        // Then it waits for confirmation, the Secret (of its own namespace) named as missing, with a Warning Event; nothing was sent
        Assert.Equal(Phases.Paused, md.Status!.Phase);
        Assert.Equal(Reasons.WaitingForConfirmation, md.Status.LastDecision!.Reason);
        Assert.Contains(expected, md.Status.Conditions!.Single(c => c.Reason == Reasons.WaitingForConfirmation).Message, StringComparison.Ordinal);
        var events = await bed.EventsAsync();
        Assert.Contains(events, e => e.Type == "Warning" && e.Reason == Reasons.SecretUnavailable && e.Message!.Contains(expected, StringComparison.Ordinal));
        Assert.Empty(approvals.Requests);
        Assert.Equal(0, bed.Calls(WebhookKinds.Confirm, WebhookOutcomes.Success));
        Assert.True(bed.Calls(WebhookKinds.Confirm, WebhookOutcomes.Refused) >= 2);

        // And when the Secret is created in the ModelDeployment's namespace, the call carries the token and the canary is promoted
        await SecretAsync(bed.Inner, OperatorTestBed.Namespace, "approvals", "token", Token);
        md = await bed.RunUntilAsync(m => m.Status?.CanaryRevision is null);
        Assert.Equal("2", md.Status!.StableRevision!.ModelVersion);
        Assert.NotEmpty(approvals.Requests);
        await AssertTheTokenIsNowhereAsync(bed.Inner, loggers, bed.Scrape());
    }
}
