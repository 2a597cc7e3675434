using System.Threading.Tasks.Sources;
using Microsoft.Extensions.ObjectPool;
using ModelOperator.Runtime.Protocol;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// A request waiting in the batcher: the parsed request, the buffer its answer is written into,
/// and a reusable awaitable that completes when its batch has run. Pooled, so joining a batch
/// allocates nothing.
/// </summary>
internal sealed class BatchItem : IValueTaskSource<(string? Error, int Status)>
{
    public static readonly ObjectPool<BatchItem> Pool = new DefaultObjectPool<BatchItem>(new Policy(), 1024);

    private ManualResetValueTaskSourceCore<(string? Error, int Status)> _core = new() { RunContinuationsAsynchronously = true };

    public InferenceRequest Request { get; private set; } = null!;

    public ResponseBuffer Response { get; private set; } = null!;

    public long EnqueuedAt { get; private set; }

    public int Rows { get; private set; }

    public ValueTask<(string? Error, int Status)> Task => new(this, _core.Version);

    public void Set(InferenceRequest request, ResponseBuffer response, long enqueuedAt)
    {
        Request = request;
        Response = response;
        EnqueuedAt = enqueuedAt;
        Rows = (int)request.BatchSize;
    }

    public void Complete(string? error, int status) => _core.SetResult((error, status));

    public (string? Error, int Status) GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private sealed class Policy : PooledObjectPolicy<BatchItem>
    {
        public override BatchItem Create() => new();

        public override bool Return(BatchItem obj)
        {
            obj._core.Reset();
            obj.Request = null!;
            obj.Response = null!;
            return true;
        }
    }
}
