using Grpc.Core;
using Grpc.Core.Interceptors;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Metrics;
using Prometheus;

namespace ModelOperator.Runtime.Server.Grpc;

/// <summary>
/// <c>modelserver_grpc_requests_total{model, version, method, code}</c>: every RPC of the gRPC port by method and status
/// code, a family of its own beside the contract's <c>modelserver_requests_total</c> (which counts gRPC inferences with
/// REST's, by outcome, so the operator judges a canary by all its traffic). Both labels come from fixed sets: the
/// service's six methods (and the health check), and gRPC's 17 codes.
/// </summary>
internal sealed class GrpcRequestMetrics : Interceptor
{
    public const string Family = "modelserver_grpc_requests_total";

    private readonly Counter _requests;
    private readonly string _model;
    private readonly string _version;

    public GrpcRequestMetrics(ServerMetrics metrics, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        _model = options.ModelName;
        _version = options.ModelVersion;
        _requests = Prometheus.Metrics.WithCustomRegistry(metrics.Registry).CreateCounter(
            Family, "gRPC requests by method and status code.", ["model", "version", "method", "code"]);
    }

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var code = StatusCode.Unknown;
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            code = context.Status.StatusCode;
            return response;
        }
        catch (RpcException ex)
        {
            code = ex.StatusCode;
            throw;
        }
        finally
        {
            // The method's short name (ModelInfer, Check): the full path would repeat the service for nothing.
            var method = context.Method[(context.Method.LastIndexOf('/') + 1)..];
            _requests.WithLabels(_model, _version, method, code.ToString()).Inc();
        }
    }
}
