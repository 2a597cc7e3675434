using ModelOperator.Api;
using ModelOperator.Rollouts.Webhooks;

namespace ModelOperator.Rollouts.Tests.Webhooks;

/// <summary>The webhook decisions from the records in status: one table of cases per kind.</summary>
public sealed class WebhookLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static RolloutWebhook Hook(string kind, string at = WebhookPoints.BeforePromotion, int retries = 0) =>
        new() { Name = kind + "-hook", Url = "http://hooks.test/" + kind, Kind = kind, At = at, Retries = retries };

    private static WebhookCallStatus Record(string kind, int attempts, int failures, int? code = null, bool? succeeded = null, int secondsAgo = 1, string at = WebhookPoints.BeforePromotion) => new()
    {
        Name = kind + "-hook",
        At = at,
        Revision = "churn-2",
        Attempts = attempts,
        Failures = failures,
        LastStatusCode = code,
        Succeeded = succeeded,
        Since = Now.AddMinutes(-5),
        LastAttemptTime = attempts > 0 ? Now.AddSeconds(-secondsAgo) : null,
    };

    public static TheoryData<string, string, int, int, WebhookCallStatus?, WebhookGateState, bool> GateCases => new()
    {
        // name, kind, retries, failureLimit, (record), expected state, a call due now
        { "confirm reached for the first time", WebhookKinds.Confirm, 0, 0, null, WebhookGateState.WaitingForConfirmation, true },
        { "confirm answered 503, retry not due yet", WebhookKinds.Confirm, 0, 0, Record(WebhookKinds.Confirm, 1, 1, 503), WebhookGateState.WaitingForConfirmation, false },
        { "confirm answered 503 6s ago, retry due", WebhookKinds.Confirm, 0, 0, Record(WebhookKinds.Confirm, 1, 1, 503, secondsAgo: 6), WebhookGateState.WaitingForConfirmation, true },
        { "confirm keeps waiting past its retries", WebhookKinds.Confirm, 0, 0, Record(WebhookKinds.Confirm, 9, 9, 503, secondsAgo: 61), WebhookGateState.WaitingForConfirmation, true },
        { "confirm answered 200", WebhookKinds.Confirm, 0, 0, Record(WebhookKinds.Confirm, 2, 1, 200, succeeded: true), WebhookGateState.Open, false },
        { "check reached for the first time", WebhookKinds.Check, 0, 0, null, WebhookGateState.Checking, true },
        { "check failed once, no retries, limit 0", WebhookKinds.Check, 0, 0, Record(WebhookKinds.Check, 1, 1, 500), WebhookGateState.Failed, false },
        { "check failed once of 1 + 2 retries", WebhookKinds.Check, 2, 0, Record(WebhookKinds.Check, 1, 1, 500, secondsAgo: 6), WebhookGateState.Checking, true },
        { "check failed 3 times of 1 + 2 retries", WebhookKinds.Check, 2, 0, Record(WebhookKinds.Check, 3, 3, 500), WebhookGateState.Failed, false },
        { "check failed once, failureLimit 1 tolerates the run", WebhookKinds.Check, 0, 1, Record(WebhookKinds.Check, 1, 1, 500, secondsAgo: 6), WebhookGateState.Checking, true },
        { "check answered 204", WebhookKinds.Check, 0, 0, Record(WebhookKinds.Check, 1, 0, 204, succeeded: true), WebhookGateState.Open, false },
        { "notify never holds a point", WebhookKinds.Notify, 0, 0, null, WebhookGateState.Open, false },
    };

    [Theory]
    [MemberData(nameof(GateCases))]
    public void Each_kind_opens_waits_or_fails_from_its_record(string name, string kind, int retries, int failureLimit, WebhookCallStatus? record, WebhookGateState state, bool called)
    {
        var ledger = new WebhookLedger(record is null ? [] : [record], [Hook(kind, retries: retries)], [], Now);

        var gate = ledger.Gate(WebhookPoints.BeforePromotion, "churn-2", null, failureLimit);
        var (due, _) = ledger.Calls(_ => "2");

        Assert.True(state == gate.State, $"{name}: {gate.State}");
        Assert.True(called == (due.Count == 1), $"{name}: {due.Count} calls");
    }

    [Fact]
    public void A_failed_check_names_the_webhook_and_the_status_code()
    {
        var ledger = new WebhookLedger([Record(WebhookKinds.Check, 1, 1, 502)], [Hook(WebhookKinds.Check)], [], Now);

        var gate = ledger.Gate(WebhookPoints.BeforePromotion, "churn-2", null, 0);

        Assert.Equal((WebhookGateState.Failed, "check-hook", 502), (gate.State, gate.Webhook, gate.StatusCode));
        Assert.Contains("check webhook check-hook at beforePromotion of churn-2 failed 1 time", gate.Message, StringComparison.Ordinal);
        Assert.Contains("last: HTTP 502", gate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_is_folded_in_once_even_when_passed_again()
    {
        var result = new WebhookResult("confirm-hook", WebhookPoints.BeforePromotion, "churn-2", null, 1, 503, null, Now);
        var first = new WebhookLedger([Record(WebhookKinds.Confirm, 0, 0)], [Hook(WebhookKinds.Confirm)], [result], Now);
        var recorded = first.ToStatus(["churn-2"])!;

        var again = new WebhookLedger(recorded, [Hook(WebhookKinds.Confirm)], [result], Now);

        var record = Assert.Single(again.ToStatus(["churn-2"])!);
        Assert.Equal((1, 1, 503, "HTTP 503"), (record.Attempts, record.Failures, record.LastStatusCode, record.LastError));
    }

    [Fact]
    public void A_notify_is_called_once_with_its_retries_then_given_up()
    {
        var hook = Hook(WebhookKinds.Notify, WebhookPoints.OnRollback, retries: 1);
        var ledger = new WebhookLedger([], [hook], [], Now);
        ledger.Happened(WebhookPoints.OnRollback, "churn-2", Reasons.HighErrorRate);

        var call = Assert.Single(ledger.Calls(_ => "2").Due);
        Assert.Equal((1, Reasons.HighErrorRate, "2"), (call.Attempt, call.Reason, call.ModelVersion));

        var failedTwice = new WebhookLedger(ledger.ToStatus([]), [hook],
            [new WebhookResult(hook.Name!, WebhookPoints.OnRollback, "churn-2", null, 1, null, "timed out", Now)], Now.AddSeconds(10));
        var retry = Assert.Single(failedTwice.Calls(_ => "2").Due);
        Assert.Equal(2, retry.Attempt);
        var gaveUp = new WebhookLedger(failedTwice.ToStatus([]), [hook],
            [new WebhookResult(hook.Name!, WebhookPoints.OnRollback, "churn-2", null, 2, 500, null, Now.AddSeconds(10))], Now.AddMinutes(5));

        Assert.Empty(gaveUp.Calls(_ => "2").Due);
        Assert.True(Assert.Single(gaveUp.ToStatus([])!).GaveUp);
    }

    [Fact]
    public void Records_stay_bounded_and_unfinished_gates_of_an_old_revision_are_dropped()
    {
        var finished = Enumerable.Range(0, 40).Select(i => Record(WebhookKinds.Notify, 1, 0, 200, succeeded: true, at: WebhookPoints.AfterPromotion) with { Revision = $"churn-{i}" });
        var stale = Record(WebhookKinds.Confirm, 1, 1, 503) with { Revision = "churn-old" };
        var ledger = new WebhookLedger([stale, .. finished], [Hook(WebhookKinds.Confirm)], [], Now);

        var records = ledger.ToStatus(["churn-2"])!;

        Assert.Equal(ModelDeploymentStatus.WebhookLedgerLimit, records.Count);
        Assert.DoesNotContain(records, r => r.Revision == "churn-old");
        Assert.Equal("churn-39", records[^1].Revision);
    }
}
