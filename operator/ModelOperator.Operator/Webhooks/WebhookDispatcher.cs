using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Events;
using ModelOperator.Contracts;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Hosting;
using ModelOperator.Operator.Http;
using ModelOperator.Operator.Secrets;
using ModelOperator.Rollouts.Planning;
using ModelOperator.Rollouts.Webhooks;
using ModelOperator.Runtime.Protocol;

namespace ModelOperator.Operator.Webhooks;

/// <summary>
/// Makes the webhook calls a plan asks for in the background, so that a webhook that answers slowly or never cannot hold
/// a reconcile worker: at most <see cref="MaxConcurrent"/> calls at once and <see cref="MaxPending"/> waiting or running
/// (more are dropped and counted; the next plan asks again). Each call goes through the one bounded
/// <see cref="OutboundHttp"/> (its own timeout from the spec, no redirects, size cap) after the same allowlist check as
/// web metrics. A result waits here until a plan has recorded it in status (<see cref="Acknowledge"/>), and wakes the
/// ModelDeployment's reconcile; nothing else is kept in memory: the decisions rest on status.
/// </summary>
/// <remarks>
/// Never logged or shown: a URL's query string (tokens live there) and any header value. A webhook's headers are filled
/// in (<see cref="SecretHeaderReader"/>) when its call is made; when a Secret or key is missing the call is not sent, it
/// fails (outcome <c>refused</c>) with a reason naming the Secret and key, and a Warning Event says so.
/// </remarks>
public sealed partial class WebhookDispatcher : IDisposable
{
    public const int MaxConcurrent = 4;
    public const int MaxPending = 64;

    private readonly OutboundHttp _http;
    private readonly IReadOnlyList<string> _allowedPrefixes;
    private readonly OperatorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SecretHeaderReader _secrets;
    private readonly IEventRecorder? _events;
    private readonly SemaphoreSlim _gate = new(MaxConcurrent, MaxConcurrent);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<CallKey, byte> _pending = new();
    private readonly ConcurrentDictionary<CallKey, WebhookResult> _done = new();

    public WebhookDispatcher(OutboundHttp http, IReadOnlyList<string> allowedPrefixes, OperatorMetrics metrics, TimeProvider time, ILogger<WebhookDispatcher> logger,
        SecretHeaderReader secrets, IEventRecorder? events = null)
    {
        _secrets = secrets;
        _events = events;
        _http = http;
        _allowedPrefixes = allowedPrefixes;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Called with the ModelDeployment's key when one of its calls ended (the controller enqueues it).</summary>
    public Action<ObjectKey>? Wake { get; set; }

    /// <summary>Calls waiting for a slot or running now.</summary>
    public int Running => _pending.Count;

    /// <summary>The results of <paramref name="key"/>'s calls not yet recorded in its status.</summary>
    public IReadOnlyList<WebhookResult> Results(ObjectKey key) =>
        [.. _done.Where(d => d.Key.Deployment == key).Select(d => d.Value)];

    /// <summary>Forgets the results that <paramref name="status"/> has recorded (or that no record wants any more).</summary>
    public void Acknowledge(ObjectKey key, ModelDeploymentStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        foreach (var (call, result) in _done.Where(d => d.Key.Deployment == key).ToList())
        {
            var record = status.Webhooks?.FirstOrDefault(r => r.Name == result.Name && r.At == result.At && r.Revision == result.Revision && r.Step == result.Step);
            if (record is null || (record.Attempts ?? 0) >= result.Attempt || record.Succeeded == true || record.GaveUp == true)
            {
                _done.TryRemove(call, out _);
            }
        }
    }

    /// <summary>Forgets everything of a deleted ModelDeployment (running calls end by their timeout).</summary>
    public void Forget(ObjectKey key)
    {
        foreach (var call in _done.Keys.Where(k => k.Deployment == key).ToList())
        {
            _done.TryRemove(call, out _);
        }
    }

    /// <summary>Starts the calls <paramref name="plan"/> asks for that are not already running or waiting to be recorded.</summary>
    public void Dispatch(ModelDeployment md, RolloutPlan plan)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(plan);
        var key = ObjectKey.From(md);
        foreach (var call in plan.WebhookCalls)
        {
            var id = new CallKey(key, call.Name, call.At, call.Revision, call.Step, call.Attempt);
            if (_done.ContainsKey(id) || !_pending.TryAdd(id, 0))
            {
                continue;
            }

            if (_pending.Count > MaxPending)
            {
                _pending.TryRemove(id, out _);
                _metrics.WebhookCalled(call.Kind, WebhookOutcomes.Dropped);
                Log.Dropped(_logger, key.Namespace, key.Name, call.Name, MaxPending);
                continue;
            }

            var body = WebhookBody.Create(md, plan.Status, call);
            var url = Render(md, plan.Status, call);
            var headers = md.Spec?.Rollout?.Webhooks?.FirstOrDefault(h => h.Name == call.Name)?.Headers;
            // A call outlives the reconcile that asked for it: it must not run under that reconcile's outbound budget.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => CallAsync(md, id, call, url, body, headers));
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private async Task CallAsync(ModelDeployment md, CallKey id, WebhookCall call, string? url, byte[] body, IReadOnlyList<HttpHeader>? headers)
    {
        int? status = null;
        string? error = null;
        string outcome;
        try
        {
            await _gate.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                (status, error, outcome) = await PostAsync(md, call, url, body, headers).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            _pending.TryRemove(id, out _);
            return; // shutting down: the next leader asks again (the call is not in status)
        }

        _done[id] = new WebhookResult(call.Name, call.At, call.Revision, call.Step, call.Attempt, status, error, _time.GetUtcNow());
        _pending.TryRemove(id, out _);
        _metrics.WebhookCalled(call.Kind, outcome);
        if (error is not null || status is < 200 or > 299)
        {
            Log.Failed(_logger, id.Deployment.Namespace, id.Deployment.Name, call.Name, call.At, error ?? string.Create(CultureInfo.InvariantCulture, $"HTTP {status}"));
        }

        Wake?.Invoke(id.Deployment);
    }

    private async Task<(int? Status, string? Error, string Outcome)> PostAsync(ModelDeployment md, WebhookCall call, string? url, byte[] body, IReadOnlyList<HttpHeader>? headers)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return (null, $"url '{UriRedaction.Redact(url ?? call.Url)}' is not an http(s) URL", WebhookOutcomes.Refused);
        }

        if (!AllowedAddresses.IsAllowed(uri, _allowedPrefixes))
        {
            // The planner refuses such a spec first; this is the same check where the call is made.
            return (null, $"url '{UriRedaction.Redact(url)}' is not under a prefix the cluster admin allows (ANALYSIS_WEB_ALLOWED_PREFIXES); no request was sent", WebhookOutcomes.Refused);
        }

        var values = await _secrets.ReadAsync(md.Metadata.Namespace ?? string.Empty, headers, _stopping.Token).ConfigureAwait(false);
        if (values.Problem is { } problem)
        {
            var error = $"{problem}; the call was not sent";
            if (_events is not null)
            {
                await _events.RecordAsync(md, EventType.Warning, Reasons.SecretUnavailable, $"webhook {call.Name} ({call.At}): {error}", _stopping.Token).ConfigureAwait(false);
            }

            return (null, error, WebhookOutcomes.Refused);
        }

        try
        {
            var (status, _) = await _http.PostJsonAsync(uri, body, call.Timeout, values.Values, _stopping.Token).ConfigureAwait(false);
            return (status, null, status is >= 200 and <= 299 ? WebhookOutcomes.Success : WebhookOutcomes.HttpError);
        }
        catch (OutboundHttpException e)
        {
            // OutboundHttp's messages name the bound that stopped the call and show the URL without its query.
            return (null, e.Message, e.Failure switch
            {
                OutboundFailure.Timeout or OutboundFailure.DeadlinePassed => WebhookOutcomes.Timeout,
                OutboundFailure.Redirect => WebhookOutcomes.Redirect,
                OutboundFailure.TooLarge => WebhookOutcomes.TooLarge,
                _ => WebhookOutcomes.Unreachable,
            });
        }
    }

    /// <summary>The URL with its placeholders filled in (escaped), as for a web metric; null when one has no value.</summary>
    private static string? Render(ModelDeployment md, ModelDeploymentStatus status, WebhookCall call)
    {
        var baseline = status.StableRevision?.Name != call.Revision ? status.StableRevision?.Name
            : status.RevisionHistory?.LastOrDefault(h => h.Name != call.Revision)?.Name;
        var window = GoDuration.ParseOrDefault(md.Spec?.Rollout?.Analysis?.Interval, ModelDeploymentDefaults.AnalysisInterval);
        var values = MetricTemplate.Values(md.Metadata.Namespace, md.Metadata.Name, call.Revision, baseline, window);
        return MetricTemplate.Render(call.Url, values, out _, Uri.EscapeDataString);
    }

    private readonly record struct CallKey(ObjectKey Deployment, string Name, string At, string Revision, int? Step, int Attempt);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Webhook {Webhook} ({At}) of ModelDeployment {Namespace}/{Name} failed: {Error}")]
        public static partial void Failed(ILogger logger, string @namespace, string name, string webhook, string at, string error);

        [LoggerMessage(2, LogLevel.Warning, "Webhook {Webhook} of ModelDeployment {Namespace}/{Name} not called now: {Limit} calls are already waiting or running; the next reconcile asks again")]
        public static partial void Dropped(ILogger logger, string @namespace, string name, string webhook, int limit);
    }
}

/// <summary>The <c>outcome</c> label of <c>modeloperator_webhook_calls_total</c>: a fixed set.</summary>
public static class WebhookOutcomes
{
    public const string Success = "success";
    public const string HttpError = "http_error";
    public const string Timeout = "timeout";
    public const string Redirect = "redirect";
    public const string TooLarge = "too_large";
    public const string Unreachable = "unreachable";
    public const string Refused = "refused";
    public const string Dropped = "dropped";
}
