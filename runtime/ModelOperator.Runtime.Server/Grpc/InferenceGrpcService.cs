using System.Diagnostics;
using Grpc.Core;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Endpoints;
using ModelOperator.Runtime.Server.Grpc.Protocol;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Metrics;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Grpc;

/// <summary>
/// The Open Inference Protocol's <c>GRPCInferenceService</c> on GRPC_PORT. ModelInfer takes the REST path after parsing:
/// the same pooled request, the dynamic batcher or a lone run, drift recording, the request metrics of the contract,
/// the same limits and messages. Only the envelope differs: <see cref="GrpcTensorMapping"/> reads the tensors and
/// <see cref="GrpcStatusCodes"/> turns REST's statuses into gRPC codes. ServerReady and ModelReady answer ready=false
/// (not an error) while the model loads or after it failed, with the reason word and message in the trailers
/// <c>reason</c> and <c>message</c>; ModelMetadata and ModelInfer answer UNAVAILABLE with them.
/// </summary>
internal sealed class InferenceGrpcService(
    ModelState state,
    ServerMetrics metrics,
    ServerOptions options,
    RequestBodyBudget budget,
    GracefulDrain drain,
    ILogger<InferenceGrpcService> logger) : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = Ready(context) });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireServed(request.Name, request.Version);
        return Task.FromResult(new ModelReadyResponse { Ready = Ready(context) });
    }

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = ProtocolEndpoints.ServerName, Version = ProtocolEndpoints.ServerVersion });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireServed(request.Name, request.Version);
        var status = state.Current;
        if (status.Model is not { } model)
        {
            throw NotReady(status);
        }

        var response = new ModelMetadataResponse { Name = model.Name, Platform = ProtocolEndpoints.Platform };
        response.Versions.Add(model.Version);
        response.Inputs.AddRange(model.Signature.Inputs.Select(Metadata));
        response.Outputs.AddRange(model.Signature.Outputs.Select(Metadata));
        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var response = await InferCountedAsync(request, context.CancellationToken).ConfigureAwait(false);
        Shadow.GrpcMirroring.Offer(context, request, response);
        return response;
    }

    /// <summary>
    /// ModelInfer without the framework's call context, shared with <see cref="ModelInferFastPath"/>: the answer, or an
    /// <see cref="RpcException"/> with the call's status; either way counted in the contract's request metrics.
    /// </summary>
    public async Task<ModelInferResponse> InferCountedAsync(ModelInferRequest request, CancellationToken aborted)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        metrics.InFlight.Inc();
        var code = StatusCode.Unknown;
        try
        {
            var response = await InferAsync(request).ConfigureAwait(false);
            code = StatusCode.OK;
            return response;
        }
        catch (RpcException ex)
        {
            code = aborted.IsCancellationRequested ? StatusCode.Cancelled : ex.StatusCode;
            throw;
        }
        finally
        {
            metrics.InFlight.Dec();
            metrics.CountRequest(GrpcStatusCodes.Outcome(code));
            metrics.RequestDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<ModelInferResponse> InferAsync(ModelInferRequest message)
    {
        RequireServed(message.ModelName, message.ModelVersion);
        var status = state.Current;
        if (status.Model is not { } model)
        {
            throw NotReady(status);
        }

        var call = InferenceCall.Start(model, budget);
        try
        {
            // The message is already read (gRPC's own limit, MAX_REQUEST_BODY_BYTES, bounded that); the model's limit
            // and the buffering budget apply to it as to a REST body of the same size.
            var size = message.CalculateSize();
            var limit = Math.Min(model.MaxRequestBytes, options.MaxRequestBodyBytes);
            if (size > limit)
            {
                throw new RpcException(new Status(
                    StatusCode.ResourceExhausted,
                    $"request message is larger than {limit} bytes, the limit for model {model.Name} (the smaller of MAX_REQUEST_BODY_BYTES and the limit derived from its input sizes, which MAX_REQUEST_BYTES overrides)"));
            }

            if (!call.TryReserve(size))
            {
                throw new RpcException(new Status(
                    StatusCode.Unavailable,
                    $"the server is buffering as many request bodies as it may ({budget.Limit} bytes, MAX_BUFFERED_REQUEST_BYTES); retry shortly"));
            }

            var response = new ModelInferResponse { ModelName = model.Name, ModelVersion = model.Version, Id = message.Id };
            call.Response.Sink = new GrpcOutputSink(response, raw: message.RawInputContents.Count > 0);
            string? error;
            int errorStatus;
            try
            {
                GrpcTensorMapping.Read(message, size, call.Request);
                (error, errorStatus) = await call.RunAsync(metrics, logger).ConfigureAwait(false);
            }
            catch (ProtocolException ex)
            {
                (error, errorStatus) = (ex.Message, ex.StatusCode);
            }

            if (error is not null)
            {
                throw new RpcException(new Status(GrpcStatusCodes.FromHttp(errorStatus), error));
            }

            // The response holds copies of the outputs, nothing of the pooled call: it outlives the call's Dispose.
            return response;
        }
        finally
        {
            call.Dispose();
        }
    }

    private bool Ready(ServerCallContext context)
    {
        var status = drain.Readiness(state.Current);
        if (!status.Ready)
        {
            context.ResponseTrailers.Add("reason", Ascii(status.Reason));
            context.ResponseTrailers.Add("message", Ascii(status.Message));
        }

        return status.Ready;
    }

    // An empty version is the protocol's "whichever the server serves".
    private void RequireServed(string name, string version)
    {
        if (ModelRoute.Mismatch(name, version.Length == 0 ? null : version, metrics.ModelName, metrics.ModelVersion) is { } notFound)
        {
            throw new RpcException(new Status(StatusCode.NotFound, notFound));
        }
    }

    private RpcException NotReady(ModelStatus status) =>
        new(
            new Status(StatusCode.Unavailable, $"model {metrics.ModelName} version {metrics.ModelVersion} is not ready: {status.Reason}: {status.Message}"),
            new Metadata { { "reason", Ascii(status.Reason) }, { "message", Ascii(status.Message) } });

    // Text metadata must be printable ASCII; a load-failure message can quote anything.
    private static string Ascii(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is >= ' ' and <= '~' ? source[i] : '?';
            }
        });

    private static ModelMetadataResponse.Types.TensorMetadata Metadata(TensorSignature tensor)
    {
        var metadata = new ModelMetadataResponse.Types.TensorMetadata { Name = tensor.Name, Datatype = DataTypes.Name(tensor.DataType) };
        metadata.Shape.AddRange(tensor.Shape);
        return metadata;
    }
}
