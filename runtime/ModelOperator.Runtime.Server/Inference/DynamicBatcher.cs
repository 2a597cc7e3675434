using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Metrics;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// Server-side dynamic batching (MAX_BATCH_SIZE, MAX_BATCH_DELAY). Concurrent requests whose
/// inputs agree on every dimension but the first are joined along it into one Run, and each
/// caller gets exactly its own rows back. One loop per core collects and runs batches (a Run
/// uses one intra-op thread, so one loop alone would leave the other cores idle); while a
/// batch runs, the next one gathers. A batch waits for more rows only while other requests
/// are on their way in (arriving &gt; 0) and never past the delay, so a lone request runs at once.
/// </summary>
internal sealed partial class DynamicBatcher : IAsyncDisposable
{
    private readonly LoadedModel _model;
    private readonly int _maxRows;
    private readonly long _maxDelayTicks;
    private readonly ServerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<BatchItem> _queue = Channel.CreateUnbounded<BatchItem>();
    private readonly Task[] _loops;
    private readonly CancellationTokenSource _stop = new();
    private int _arriving;

    public DynamicBatcher(LoadedModel model, int maxRows, TimeSpan maxDelay, ServerMetrics metrics, ILogger logger)
    {
        _model = model;
        _maxRows = maxRows;
        _maxDelayTicks = (long)(maxDelay.TotalSeconds * Stopwatch.Frequency);
        _metrics = metrics;
        _logger = logger;
        _loops = Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(_ => Task.Run(RunLoopAsync)).ToArray();
    }

    /// <summary>
    /// A model can be batched when every input and output has a dynamic first (batch) dimension
    /// and a fixed element size; otherwise the rows of joined requests could not be split back by
    /// byte offsets (BYTES rows have no fixed size, so models with BYTES tensors run unbatched).
    /// </summary>
    public static bool CanBatch(ModelSignature signature) =>
        signature.Inputs.All(Splittable) && signature.Outputs.All(Splittable);

    private static bool Splittable(TensorSignature t) => t.Rank >= 1 && t.Shape[0] < 0 && DataTypes.IsFixedSize(t.DataType);

    /// <summary>Called when a request for this model starts; tells the loop that more rows may be coming.</summary>
    public void Arriving() => Interlocked.Increment(ref _arriving);

    /// <summary>Called when a request that announced itself will not join (a bad request, say).</summary>
    public void NotJoining() => Interlocked.Decrement(ref _arriving);

    /// <summary>Joins the request to a batch and completes when its answer is written into <paramref name="response"/>.</summary>
    public ValueTask<(string? Error, int Status)> RunAsync(InferenceRequest request, ResponseBuffer response)
    {
        var item = BatchItem.Pool.Get();
        item.Set(request, response, Stopwatch.GetTimestamp());
        var task = item.Task;
        Interlocked.Decrement(ref _arriving);
        if (!_queue.Writer.TryWrite(item))
        {
            item.Complete("the server is shutting down", StatusCodes.Status503ServiceUnavailable);
        }

        return task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<BatchItem>();
        BatchItem? carry = null;
        while (carry is not null || await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
        {
            var first = carry ?? (reader.TryRead(out var item) ? item : null);
            carry = null;
            if (first is null)
            {
                continue;
            }

            batch.Add(first);
            var rows = first.Rows;
            var deadline = first.EnqueuedAt + _maxDelayTicks;
            while (rows < _maxRows)
            {
                if (reader.TryRead(out var next))
                {
                    if (rows + next.Rows > _maxRows || !Compatible(first.Request, next.Request))
                    {
                        carry = next; // starts the next batch
                        break;
                    }

                    batch.Add(next);
                    rows += next.Rows;
                    continue;
                }

                var remaining = deadline - Stopwatch.GetTimestamp();
                if (Volatile.Read(ref _arriving) <= 0 || remaining <= 0)
                {
                    break;
                }

                // Others are on their way: give them until the deadline to join.
                var wait = reader.WaitToReadAsync(_stop.Token).AsTask();
                await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency), _stop.Token)).ConfigureAwait(false);
            }

            Execute(batch, rows);
            batch.Clear();
        }
    }

    private static bool Compatible(InferenceRequest a, InferenceRequest b)
    {
        var x = a.Inputs;
        var y = b.Inputs;
        for (var i = 0; i < x.Length; i++)
        {
            if (!x[i].Shape.AsSpan(1).SequenceEqual(y[i].Shape.AsSpan(1)))
            {
                return false;
            }
        }

        return true;
    }

    private void Execute(List<BatchItem> batch, int rows)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var item in batch)
        {
            _metrics.BatchQueueDuration.Observe((double)(now - item.EnqueuedAt) / Stopwatch.Frequency);
        }

        _metrics.BatchRows.Observe(rows);
        if (batch.Count == 1)
        {
            var only = batch[0];
            var (error, status) = ModelRunner.RunAlone(_model, only.Request, only.Response, _metrics, _logger);
            only.Complete(error, status);
            return;
        }

        var first = batch[0].Request;
        var inputCount = first.Inputs.Length;
        var inputs = new InputTensor[inputCount];
        var rented = new byte[inputCount][];
        try
        {
            for (var i = 0; i < inputCount; i++)
            {
                var slot = first.Inputs[i];
                var rowBytes = slot.ByteLength / Math.Max(1, (int)slot.Shape[0]);
                var buffer = rented[i] = ArrayPool<byte>.Shared.Rent(Math.Max(1, rows * rowBytes));
                var offset = 0;
                foreach (var item in batch)
                {
                    var data = item.Request.Inputs[i].Data.Span;
                    data.CopyTo(buffer.AsSpan(offset));
                    offset += data.Length;
                }

                var shape = (long[])slot.Shape.Clone();
                shape[0] = rows;
                inputs[i] = new InputTensor(i, LoadedModel.ToElementType(slot.DataType), shape, buffer.AsMemory(0, offset));
            }

            var started = Stopwatch.GetTimestamp();
            using var result = _model.Session.Run(inputs);
            _metrics.InferenceDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            var rowOffset = 0;
            foreach (var item in batch)
            {
                var view = new OutputView(result, rowOffset, item.Rows, rows);
                _model.Predictions?.Record(item.Request, view);
                ModelRunner.Write(_model, item.Request, view, item.Response);
                rowOffset += item.Rows;
                item.Complete(null, 0);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or OnnxRuntimeException)
        {
            // A joined run failed: run each alone so that only the culprit gets the error.
            Log.BatchFailed(_logger, batch.Count, ex.Message);
            foreach (var item in batch)
            {
                var (error, status) = ModelRunner.RunAlone(_model, item.Request, item.Response, _metrics, _logger);
                item.Complete(error, status);
            }
        }
        finally
        {
            foreach (var buffer in rented)
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "A batch of {Requests} requests failed ({Error}); running them one by one")]
        public static partial void BatchFailed(ILogger logger, int requests, string error);
    }
}
