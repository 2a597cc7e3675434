using System.Globalization;
using ModelOperator.Api;

namespace ModelOperator.Rollouts.Webhooks;

/// <summary>
/// The webhook records of one plan (<c>status.webhooks</c>, <see cref="WebhookCallStatus"/>): read from status, the
/// dispatcher's results folded in, points reached during the plan added, and written back bounded. Every webhook
/// decision rests on these records, never on memory, so a restarted operator resumes: a confirm still waits, a notify
/// already answered is not sent again. Used by one plan only.
/// </summary>
/// <remarks>
/// Per kind, from the records:
/// <code>
/// confirm  2xx recorded            → the point is open for it
///          otherwise               → WaitingForConfirmation; called again after WebhookRetry.Delay(failures) (at most 1m apart)
/// check    2xx recorded            → open for it
///          failures &lt; (1+retries)·(failureLimit+1) → Checking; called again after the delay
///          failures reach that     → Failed (the rollout is rolled back, WebhookCheckFailed)
/// notify   2xx or 1+retries calls  → done; it never holds a point
/// </code>
/// A point's confirm and checks are evaluated together: Failed wins, then WaitingForConfirmation, then Checking.
/// </remarks>
public sealed class WebhookLedger
{
    /// <summary>The longest error text kept in a record.</summary>
    public const int MaxErrorLength = 512;

    private readonly List<WebhookCallStatus> _records;
    private readonly IReadOnlyList<RolloutWebhook> _hooks;
    private readonly DateTimeOffset _now;

    /// <summary>Gate records evaluated in this plan: only these (and unfinished notifies) are called.</summary>
    private readonly HashSet<WebhookCallStatus> _active = new(ReferenceEqualityComparer.Instance);

    public WebhookLedger(IReadOnlyList<WebhookCallStatus>? recorded, IReadOnlyList<RolloutWebhook>? hooks, IReadOnlyList<WebhookResult>? results, DateTimeOffset now)
    {
        _records = [.. recorded ?? []];
        _hooks = hooks ?? [];
        _now = now;
        foreach (var result in results ?? [])
        {
            Fold(result);
        }
    }

    /// <summary>The records as they stand.</summary>
    public IReadOnlyList<WebhookCallStatus> Records => _records;

    /// <summary>Whether any webhook runs at <paramref name="at"/>.</summary>
    public bool Any(string at) => _hooks.Any(h => h.At == at);

    /// <summary>
    /// The state of the point <paramref name="at"/> of <paramref name="revision"/> (<paramref name="step"/> for beforeStep):
    /// records are made for its confirm and check webhooks the first time it is reached, and they are called.
    /// </summary>
    public WebhookGate Gate(string at, string revision, int? step, int failureLimit)
    {
        var started = false;
        WebhookGate? confirm = null, check = null;
        foreach (var hook in _hooks.Where(h => h.At == at && h.Kind != WebhookKinds.Notify))
        {
            var record = Find(hook.Name!, at, revision, step);
            if (record is null)
            {
                record = new WebhookCallStatus { Name = hook.Name, At = at, Revision = revision, Step = step, Attempts = 0, Since = _now };
                _records.Add(record);
                started = true;
            }

            _active.Add(record);
            if (record.Succeeded == true)
            {
                continue;
            }

            var failures = record.Failures ?? 0;
            var last = Last(record);
            var where = Where(at, revision, step);
            if (hook.Kind == WebhookKinds.Check)
            {
                var limit = WebhookRetry.FailuresThatFailACheck(hook.Retries ?? 0, failureLimit);
                if (failures >= limit)
                {
                    Replace(record, record with { GaveUp = true });
                    return new WebhookGate(WebhookGateState.Failed, hook.Name,
                        string.Create(CultureInfo.InvariantCulture, $"check webhook {hook.Name} {where} failed {failures} time{(failures == 1 ? "" : "s")} (retries {hook.Retries ?? 0}, failureLimit {failureLimit}); last: {last}"),
                        record.LastStatusCode, started);
                }

                check ??= new WebhookGate(WebhookGateState.Checking, hook.Name,
                    $"waiting for check webhook {hook.Name} {where}" + (record.Attempts is > 0 ? $"; last: {last}" : string.Empty), record.LastStatusCode, started);
            }
            else
            {
                confirm ??= new WebhookGate(WebhookGateState.WaitingForConfirmation, hook.Name,
                    $"waiting for confirm webhook {hook.Name} {where} to answer 2xx" + (record.Attempts is > 0 ? $"; last: {last}" : string.Empty), record.LastStatusCode, started);
            }
        }

        return (confirm ?? check ?? WebhookGate.Open) with { Started = started };
    }

    /// <summary>Records the notify webhooks of a point that happened in this plan (after promotion, on rollback); each is then called once (with its retries).</summary>
    public void Happened(string at, string revision, string? reason)
    {
        foreach (var hook in _hooks.Where(h => h.At == at && h.Kind == WebhookKinds.Notify))
        {
            // A revision can be promoted or rolled back again (retry): the new occurrence replaces the old record.
            _records.RemoveAll(r => r.Name == hook.Name && r.At == at && r.Revision == revision);
            _records.Add(new WebhookCallStatus { Name = hook.Name, At = at, Revision = revision, Reason = reason, Attempts = 0, Since = _now });
        }
    }

    /// <summary>
    /// The calls due now, and when the next one is due (null: none waits). Only the gates evaluated in this plan and
    /// unfinished notifies are called; a notify out of retries is marked given up.
    /// </summary>
    public (IReadOnlyList<WebhookCall> Due, DateTimeOffset? Next) Calls(Func<string, string?> modelVersionOf)
    {
        var due = new List<WebhookCall>();
        DateTimeOffset? next = null;
        for (var i = 0; i < _records.Count; i++)
        {
            var record = _records[i];
            var hook = _hooks.FirstOrDefault(h => h.Name == record.Name && h.At == record.At);
            if (hook is null || record.Succeeded == true || record.GaveUp == true)
            {
                continue;
            }

            var failures = record.Failures ?? 0;
            if (hook.Kind == WebhookKinds.Notify)
            {
                if (failures >= 1 + (hook.Retries ?? 0))
                {
                    _records[i] = record with { GaveUp = true };
                    continue;
                }
            }
            else if (!_active.Contains(record))
            {
                continue;
            }

            var at = record.Attempts is > 0 && record.LastAttemptTime is { } last ? last + WebhookRetry.Delay(failures) : _now;
            if (at <= _now)
            {
                due.Add(new WebhookCall(hook.Name!, hook.Kind!, hook.Url!, record.At!, record.Revision!, modelVersionOf(record.Revision!), record.Step, record.Reason,
                    (record.Attempts ?? 0) + 1, GoDuration.ParseOrDefault(hook.Timeout, RolloutWebhook.DefaultTimeout)));
            }
            else
            {
                next = next is { } n && n < at ? n : at;
            }
        }

        return (due, next);
    }

    /// <summary>
    /// The records for status, at most <see cref="ModelDeploymentStatus.WebhookLedgerLimit"/>: unfinished gate records of
    /// revisions other than <paramref name="keepRevisions"/> are dropped (their rollout is over), then the oldest finished
    /// records, then the oldest. Null when there are none, so an idle status stays short.
    /// </summary>
    public IReadOnlyList<WebhookCallStatus>? ToStatus(IReadOnlyCollection<string> keepRevisions)
    {
        _records.RemoveAll(r => r.At != WebhookPoints.AfterPromotion && r.At != WebhookPoints.OnRollback
            && r.Succeeded != true && r.GaveUp != true && !keepRevisions.Contains(r.Revision!));
        while (_records.Count > ModelDeploymentStatus.WebhookLedgerLimit)
        {
            var finished = _records.FindIndex(r => r.Succeeded == true || r.GaveUp == true);
            _records.RemoveAt(finished >= 0 ? finished : 0);
        }

        return _records.Count == 0 ? null : [.. _records];
    }

    private void Fold(WebhookResult result)
    {
        var record = Find(result.Name, result.At, result.Revision, result.Step);
        if (record is null || record.Succeeded == true || record.GaveUp == true || result.Attempt != (record.Attempts ?? 0) + 1)
        {
            return; // not asked for, already settled, or already counted
        }

        var error = result.Succeeded ? null
            : result.Error ?? string.Create(CultureInfo.InvariantCulture, $"HTTP {result.StatusCode}");
        Replace(record, record with
        {
            Attempts = result.Attempt,
            Failures = (record.Failures ?? 0) + (result.Succeeded ? 0 : 1),
            LastStatusCode = result.StatusCode,
            LastError = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error,
            LastAttemptTime = result.Time,
            Succeeded = result.Succeeded ? true : null,
        });
    }

    private WebhookCallStatus? Find(string name, string at, string revision, int? step) =>
        _records.FirstOrDefault(r => r.Name == name && r.At == at && r.Revision == revision && r.Step == step);

    private void Replace(WebhookCallStatus old, WebhookCallStatus updated)
    {
        _records[_records.IndexOf(old)] = updated;
        if (_active.Remove(old))
        {
            _active.Add(updated);
        }
    }

    private static string Last(WebhookCallStatus record) =>
        record.LastStatusCode is { } code && record.LastError is null or { Length: 0 } || record.LastError == $"HTTP {record.LastStatusCode}"
            ? string.Create(CultureInfo.InvariantCulture, $"HTTP {record.LastStatusCode}")
            : record.LastError ?? "no answer yet";

    private static string Where(string at, string revision, int? step) =>
        step is { } index ? string.Create(CultureInfo.InvariantCulture, $"before step {index + 1} of {revision}") : $"at {at} of {revision}";
}
