using Microsoft.Extensions.ObjectPool;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Metrics;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// One inference call from the moment its model is known to its answer, the same for REST and gRPC: the batcher told
/// that a request is coming (so that a forming batch waits for it), the request bytes reserved in the buffering budget,
/// the pooled request and response buffer, and the run through the batcher or alone with its error mapped to a status
/// (drift and the run's metrics are recorded where the run happens). <see cref="Dispose"/> gives every piece back on
/// every path, and tells the batcher when the request never joined. Pooled, so a call allocates nothing for it.
/// </summary>
internal sealed class InferenceCall : IDisposable
{
    private static readonly ObjectPool<InferenceCall> Pool =
        new DefaultObjectPool<InferenceCall>(new DefaultPooledObjectPolicy<InferenceCall>(), Environment.ProcessorCount * 8);

    private LoadedModel? _model;
    private RequestBodyBudget? _budget;
    private InferenceRequest? _request;
    private ResponseBuffer? _response;
    private bool _joined;

    /// <summary>Starts a call for <paramref name="model"/>: announces it to the model's batcher, if any.</summary>
    public static InferenceCall Start(LoadedModel model, RequestBodyBudget budget)
    {
        var call = Pool.Get();
        call._model = model;
        call._budget = budget;
        model.Batcher?.Arriving();
        return call;
    }

    public LoadedModel Model => _model ?? throw new ObjectDisposedException(nameof(InferenceCall));

    /// <summary>Bytes this call holds of the buffering budget.</summary>
    public long Reserved { get; private set; }

    /// <summary>The model's pooled request, rented on first use; parsing fills it.</summary>
    public InferenceRequest Request => _request ??= Model.RentRequest();

    /// <summary>The pooled response buffer, rented on first use; the run writes the answer into it.</summary>
    public ResponseBuffer Response => _response ??= ResponseBuffer.Pool.Get();

    /// <summary>Reserves <paramref name="bytes"/> more of the buffering budget; false (nothing reserved) when it is full.</summary>
    public bool TryReserve(long bytes)
    {
        if (!_budget!.TryReserve(bytes))
        {
            return false;
        }

        Reserved += Math.Max(bytes, 0);
        return true;
    }

    /// <summary>Runs the parsed <see cref="Request"/>: joined to a batch when the model batches, alone otherwise.</summary>
    /// <returns>Null and 0 when the answer is in <see cref="Response"/>; otherwise the message and its HTTP status.</returns>
    public ValueTask<(string? Error, int Status)> RunAsync(ServerMetrics metrics, ILogger logger)
    {
        if (Model.Batcher is { } batcher)
        {
            _joined = true;
            return batcher.RunAsync(Request, Response);
        }

        return new(ModelRunner.RunAlone(Model, Request, Response, metrics, logger));
    }

    public void Dispose()
    {
        if (_model is not { } model)
        {
            return;
        }

        if (_request is not null)
        {
            model.ReturnRequest(_request);
        }

        if (_response is not null)
        {
            ResponseBuffer.Pool.Return(_response);
        }

        _budget!.Release(Reserved);
        if (!_joined)
        {
            model.Batcher?.NotJoining();
        }

        (_model, _budget, _request, _response, _joined, Reserved) = (null, null, null, null, false, 0);
        Pool.Return(this);
    }
}
