namespace ModelOperator.ControllerRuntime.Queue;

/// <summary>
/// What a <see cref="WorkQueue{T}"/> reports as it runs (client-go's workqueue metrics: depth,
/// adds, retries, queue latency, work duration). Called under the queue's lock: keep it cheap.
/// </summary>
public interface IWorkQueueMetrics
{
    /// <summary>The number of items waiting to be handed to a worker changed.</summary>
    void DepthChanged(int depth);

    /// <summary>An item that was not already waiting was added.</summary>
    void Added();

    /// <summary>An item was added again through the rate limiter.</summary>
    void Retried();

    /// <summary>An item was handed to a worker after waiting <paramref name="waited"/> in the queue.</summary>
    void Dequeued(TimeSpan waited);

    /// <summary>A worker finished an item it held for <paramref name="held"/>.</summary>
    void Processed(TimeSpan held);
}

/// <summary>Metrics that go nowhere.</summary>
public sealed class NoWorkQueueMetrics : IWorkQueueMetrics
{
    public static readonly NoWorkQueueMetrics Instance = new();

    private NoWorkQueueMetrics()
    {
    }

    public void DepthChanged(int depth)
    {
    }

    public void Added()
    {
    }

    public void Retried()
    {
    }

    public void Dequeued(TimeSpan waited)
    {
    }

    public void Processed(TimeSpan held)
    {
    }
}
