using ModelOperator.Contracts;

namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// Which values of the model server's <c>outcome</c> label count as failed requests in the error rate. Every outcome
/// but <c>success</c> does (a canary that rejects what stable accepts, e.g. a changed input shape answered
/// <c>bad_request</c>, is as broken for its clients as one that fails), except <c>client_aborted</c>: a client that went
/// away says nothing about the model. Read by the direct scrape and by the Prometheus query alike.
/// </summary>
public static class RequestOutcomes
{
    /// <summary>The PromQL label matcher that selects failed requests.</summary>
    public const string FailedMatcher = ModelServerMetricNames.OutcomeLabel + "!~\"" + ModelServerOutcomes.Success + "|" + ModelServerOutcomes.ClientAborted + "\"";

    public static bool IsFailure(string outcome) => outcome is not (ModelServerOutcomes.Success or ModelServerOutcomes.ClientAborted);
}
