using ModelOperator.Api;
using ModelOperator.Api.Validation;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Rollouts.Webhooks;

namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// spec.rollout.webhooks in a plan: confirm and check webhooks gate the points before the canary starts, before each
/// step and before promotion; notify webhooks are recorded when a promotion or a rollback happens. The records in
/// <c>status.webhooks</c> (<see cref="WebhookLedger"/>) are all the decisions rest on; the calls themselves are made by
/// the operator in the background and their results come back to the next plan.
/// </summary>
internal sealed partial class PlannerRun
{
    private readonly IReadOnlyList<WebhookResult>? _webhookResults;
    private WebhookLedger _webhooks = null!;

    /// <summary>The gate that holds the start of a new canary (beforeRollout, or beforeStep of step 1); null when none holds it.</summary>
    private WebhookGate? _startWait;

    /// <summary>
    /// The webhooks whose URL is outside the admin's allowlist: the spec is invalid (a condition and an Event say which),
    /// and nothing is called. The URL is checked with the placeholders filled in as the operator would fill them.
    /// </summary>
    private List<FieldProblem> WebhookUrlProblems()
    {
        var problems = new List<FieldProblem>();
        var hooks = _md.Spec?.Rollout?.Webhooks ?? [];
        // Any valid names and window will do: only the URL's shape is judged, and names cannot change its prefix.
        var values = MetricTemplate.Values(_md.Metadata.Namespace ?? "default", _name, _name, _name, TimeSpan.FromSeconds(30));
        var allowlist = _settings.WebhookAllowlist;
        for (var i = 0; i < hooks.Count; i++)
        {
            var url = MetricTemplate.Render(hooks[i].Url ?? string.Empty, values, out _, Uri.EscapeDataString);
            if (url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && allowlist.Allows(uri))
            {
                continue;
            }

            var allowed = allowlist.Prefixes.Count == 0 ? "none is allowed" : "allowed: " + string.Join(", ", allowlist.Prefixes);
            problems.Add(new FieldProblem($"spec.rollout.webhooks[{i}].url",
                $"\"{UriRedaction.Redact(hooks[i].Url)}\" is not under a prefix the cluster admin allows (ANALYSIS_WEB_ALLOWED_PREFIXES, chart value analysis.web.allowedPrefixes; {allowed}); no webhook is called"));
        }

        return problems;
    }

    /// <summary>
    /// The gates before a new canary of the spec's revision starts: beforeRollout, then beforeStep of the first step. While
    /// they hold, no canary runs (a canary of another revision is dropped: the spec replaced it); a failed check
    /// quarantines the revision before any of its pods ran.
    /// </summary>
    private bool PassStartGates()
    {
        var revision = _desired.Name;
        var gate = _webhooks.Gate(WebhookPoints.BeforeRollout, revision, null, _config.Criteria.FailureLimit);
        if (gate.State == WebhookGateState.Open)
        {
            gate = _webhooks.Gate(WebhookPoints.BeforeStep, revision, 0, _config.Criteria.FailureLimit);
        }

        if (gate.State == WebhookGateState.Open)
        {
            return true;
        }

        if (_canary is not null)
        {
            EndCanary();
        }

        if (gate.State == WebhookGateState.Failed)
        {
            Quarantine(Ref(_desired), Reasons.WebhookCheckFailed);
            _webhooks.Happened(WebhookPoints.OnRollback, revision, Reasons.WebhookCheckFailed);
            Decide(DecisionActions.Rollback, Reasons.WebhookCheckFailed, $"{revision} (model version {_desired.ModelVersion}) quarantined before its canary started: {gate.Message}");
            Emit(PlannedEvent.Warning, Reasons.WebhookCheckFailed, _decision!.Message!);
            return false;
        }

        _startWait = gate;
        WaitDecision(gate, $"canary {revision} (model version {_desired.ModelVersion}) not started: ");
        return false;
    }

    /// <summary>
    /// The gate of a point the running canary is about to pass (beforeStep of <paramref name="step"/>, or beforePromotion):
    /// true when it is open. A confirm waiting pauses the rollout (no progress deadline: a person decides), a check
    /// waiting holds it without a pause, and a failed check rolls the canary back.
    /// </summary>
    private bool PassGate(string at, int? step)
    {
        var gate = _webhooks.Gate(at, _canary!.Name!, step, _config.Criteria.FailureLimit);
        switch (gate.State)
        {
            case WebhookGateState.Open:
                return true;
            case WebhookGateState.Failed:
                Rollback(Reasons.WebhookCheckFailed, gate.Message!, evidence: null);
                return false;
            default:
                var confirm = gate.State == WebhookGateState.WaitingForConfirmation;
                Wait(gate.Message!, confirm ? Reasons.WaitingForConfirmation : Reasons.WaitingForWebhook, pause: confirm);
                WaitDecision(gate, string.Empty);
                return false;
        }
    }

    /// <summary>The decision of a wait, taken again only when its words change (so an unchanged wait writes no status), with an Event when the point is first reached.</summary>
    private void WaitDecision(WebhookGate gate, string prefix)
    {
        var reason = gate.State == WebhookGateState.WaitingForConfirmation ? Reasons.WaitingForConfirmation : Reasons.WaitingForWebhook;
        var message = prefix + gate.Message;
        if (_decision is not { Action: DecisionActions.Pause } old || old.Reason != reason || old.Message != message)
        {
            Decide(DecisionActions.Pause, reason, message);
        }

        if (gate.Started)
        {
            Emit(PlannedEvent.Normal, reason, message);
        }
    }

    /// <summary>The due calls for the plan and the records for status; looks again when the next retry is due.</summary>
    private (IReadOnlyList<WebhookCall> Calls, IReadOnlyList<WebhookCallStatus>? Records) WebhookOutput()
    {
        var (calls, next) = _webhooks.Calls(ModelVersionOf);
        if (next is { } at)
        {
            RequeueWithin(at - _now);
        }

        // A result normally wakes the operator at once; should it be lost (a restart), the call is asked for again.
        foreach (var call in calls)
        {
            RequeueWithin(call.Timeout + TimeSpan.FromSeconds(1));
        }

        return (calls, _webhooks.ToStatus([.. new[] { _canary?.Name, _desired.Name }.OfType<string>()]));
    }

    private string? ModelVersionOf(string revision) =>
        new[] { _canary, _stable }.FirstOrDefault(r => r?.Name == revision)?.ModelVersion
        ?? _history.LastOrDefault(h => h.Name == revision)?.ModelVersion
        ?? _quarantine.LastOrDefault(q => q.Name == revision)?.ModelVersion
        ?? (revision == _desired.Name ? _desired.ModelVersion : null);
}
