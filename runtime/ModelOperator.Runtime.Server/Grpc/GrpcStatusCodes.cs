using Grpc.Core;

namespace ModelOperator.Runtime.Server.Grpc;

/// <summary>
/// The one mapping between the inference path's HTTP statuses and outcomes and gRPC status codes, so that an error
/// means the same on both protocols: 400 is INVALID_ARGUMENT, 404 NOT_FOUND, 413 RESOURCE_EXHAUSTED, 503 UNAVAILABLE.
/// </summary>
internal static class GrpcStatusCodes
{
    public static StatusCode FromHttp(int status) => status switch
    {
        StatusCodes.Status400BadRequest => StatusCode.InvalidArgument,
        StatusCodes.Status404NotFound => StatusCode.NotFound,
        StatusCodes.Status413PayloadTooLarge => StatusCode.ResourceExhausted,
        StatusCodes.Status503ServiceUnavailable => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };

    /// <summary>The <c>outcome</c> label of the contract's request counter for a gRPC status.</summary>
    public static string Outcome(StatusCode code) => code switch
    {
        StatusCode.OK => Metrics.ServerMetrics.Outcome.Success,
        StatusCode.InvalidArgument => Metrics.ServerMetrics.Outcome.BadRequest,
        StatusCode.NotFound => Metrics.ServerMetrics.Outcome.NotFound,
        StatusCode.ResourceExhausted => Metrics.ServerMetrics.Outcome.TooLarge,
        StatusCode.Unavailable => Metrics.ServerMetrics.Outcome.Unavailable,
        StatusCode.Cancelled => Metrics.ServerMetrics.Outcome.ClientAborted,
        _ => Metrics.ServerMetrics.Outcome.Error,
    };
}
