using Grpc.Core;
using Grpc.Health.V1;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Grpc;

/// <summary>
/// grpc.health.v1 for the gRPC port (Kubernetes' grpc probe, grpc-health-probe, meshes): the server ("") and the
/// inference service are SERVING exactly when REST's /v2/health/ready is 200, that is when the model is loaded, verified
/// and warmed and the server is not draining; NOT_SERVING otherwise. Any other service name is NOT_FOUND, as the health
/// protocol asks. Read from the model's state on every call, so it can never lag behind it.
/// </summary>
internal sealed class GrpcHealthService(ModelState state, GracefulDrain drain) : Health.HealthBase
{
    /// <summary>The inference service's full name, as health checks name it.</summary>
    public const string InferenceService = "inference.GRPCInferenceService";

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Service.Length > 0 && request.Service != InferenceService)
        {
            throw new RpcException(new Status(
                StatusCode.NotFound, $"unknown service \"{Endpoints.ErrorBodies.Shown(request.Service)}\"; this server answers for \"\" and \"{InferenceService}\""));
        }

        var ready = drain.Readiness(state.Current).Ready;
        return Task.FromResult(new HealthCheckResponse
        {
            Status = ready ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing,
        });
    }
}
