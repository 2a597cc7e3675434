using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Grpc.Protocol;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Grpc;

/// <summary>Collects a run's outputs into the gRPC response, on the thread that ran the model (alone or batched).</summary>
internal sealed class GrpcOutputSink(ModelInferResponse response, bool raw) : IOutputSink
{
    public void Write(LoadedModel model, InferenceRequest request, OutputView view) =>
        GrpcTensorMapping.Write(model, request, view, response, raw);
}
