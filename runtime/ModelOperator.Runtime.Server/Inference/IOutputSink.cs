using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// Receives a request's outputs where the response is not JSON (gRPC). Called on the thread that ran the model, while
/// the view's buffers are valid: an implementation copies what it keeps.
/// </summary>
internal interface IOutputSink
{
    void Write(LoadedModel model, InferenceRequest request, OutputView view);
}
