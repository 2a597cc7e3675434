namespace ModelOperator.Contracts;

/// <summary>
/// The values of the model server's <c>outcome</c> label (<see cref="ModelServerMetricNames.OutcomeLabel"/> on
/// <see cref="ModelServerMetricNames.Requests"/>): the server counts every request under one of them and the operator's
/// error rate decides which ones fail, so both compile against this one list.
/// </summary>
public static class ModelServerOutcomes
{
    public const string Success = "success";
    public const string BadRequest = "bad_request";
    public const string NotFound = "not_found";
    public const string TooLarge = "payload_too_large";
    public const string Unavailable = "unavailable";
    public const string Error = "error";
    public const string ClientAborted = "client_aborted";
    public const string Busy = "busy";

    public static IReadOnlyList<string> All { get; } = [Success, BadRequest, NotFound, TooLarge, Unavailable, Error, ClientAborted, Busy];
}
