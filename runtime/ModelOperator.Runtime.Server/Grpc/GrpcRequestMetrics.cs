using System.Collections.Concurrent;
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

    // The labelled child per (method path, code): finding it by label values and cutting the method's short name would
    // allocate on every call. Both sets are fixed, so this stays a few dozen entries.
    private readonly ConcurrentDictionary<(string Method, StatusCode Code), Counter.Child> _children = new();

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
            Child(context.Method, code).Inc();
        }
    }

    /// <summary>Counts one call of <paramref name="method"/> (its full path) that did not pass through the interceptor.</summary>
    public void Count(string method, StatusCode code) => Child(method, code).Inc();

    private Counter.Child Child(string method, StatusCode code) =>
        _children.TryGetValue((method, code), out var child)
            ? child
            // The method's short name (ModelInfer, Check): the full path would repeat the service for nothing.
            : _children.GetOrAdd((method, code), static (key, self) =>
                self._requests.WithLabels(self._model, self._version, key.Method[(key.Method.LastIndexOf('/') + 1)..], key.Code.ToString()), this);
}
