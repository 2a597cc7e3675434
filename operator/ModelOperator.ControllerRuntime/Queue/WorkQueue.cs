namespace ModelOperator.ControllerRuntime.Queue;

/// <summary>
/// A rate-limited, delaying work queue with client-go's semantics:
/// <list type="bullet">
/// <item>an item is handed to at most one worker at a time;</item>
/// <item>adding an item that is already waiting does nothing;</item>
/// <item>adding an item while a worker holds it marks it dirty: it is queued again when the worker calls <see cref="Done"/>;</item>
/// <item><see cref="AddAfter"/> adds the item once the delay has passed on the <see cref="TimeProvider"/>
///   (the earliest pending time wins);</item>
/// <item><see cref="AddRateLimited"/> delays by the rate limiter, <see cref="Forget"/> resets it;</item>
/// <item>after <see cref="ShutDown"/> new adds are ignored, waiting items are still handed out, then
///   <see cref="GetAsync"/> reports shut down.</item>
/// </list>
/// </summary>
public sealed class WorkQueue<T> : IDisposable
    where T : notnull
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly IRateLimiter<T> _rateLimiter;
    private readonly IWorkQueueMetrics _metrics;
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly Dictionary<T, long> _processing = [];
    private readonly Dictionary<T, long> _queuedAt = [];
    private readonly Dictionary<T, DelayedEntry> _delayed = [];
    private readonly LinkedList<TaskCompletionSource<WorkItem<T>>> _waiters = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _shuttingDown;

    public WorkQueue(TimeProvider timeProvider, IRateLimiter<T>? rateLimiter = null, IWorkQueueMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _rateLimiter = rateLimiter ?? RateLimiters.DefaultController<T>(timeProvider);
        _metrics = metrics ?? NoWorkQueueMetrics.Instance;
    }

    /// <summary>Items waiting to be handed to a worker (not counting delayed or held items).</summary>
    public int Length
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Items held by workers right now.</summary>
    public int Processing
    {
        get
        {
            lock (_gate)
            {
                return _processing.Count;
            }
        }
    }

    /// <summary>Items waiting for their <see cref="AddAfter"/> delay to pass.</summary>
    public int Delayed
    {
        get
        {
            lock (_gate)
            {
                return _delayed.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Marks <paramref name="item"/> as needing processing.</summary>
    public void Add(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            AddLocked(item);
        }
    }

    /// <summary>Adds <paramref name="item"/> once <paramref name="delay"/> has passed; at once if it is not positive.</summary>
    public void AddAfter(T item, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            if (delay <= TimeSpan.Zero)
            {
                AddLocked(item);
                return;
            }

            var due = _time.GetUtcNow() + delay;
            if (_delayed.TryGetValue(item, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            // The timer's callback takes the lock, so it cannot see the entry before Timer is set.
            var entry = new DelayedEntry(this, item, due);
            entry.Timer = _time.CreateTimer(static state => ((DelayedEntry)state!).Fire(), entry, delay, Timeout.InfiniteTimeSpan);
            _delayed[item] = entry;
        }
    }

    /// <summary>Adds <paramref name="item"/> after the rate limiter's delay and counts a retry.</summary>
    public void AddRateLimited(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var delay = _rateLimiter.When(item);
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _metrics.Retried();
        }

        AddAfter(item, delay);
    }

    /// <summary>Resets the rate limiter's memory of <paramref name="item"/> (call after a success).</summary>
    public void Forget(T item) => _rateLimiter.Forget(item);

    /// <summary>How many times <paramref name="item"/> was retried since it was last forgotten.</summary>
    public int NumRequeues(T item) => _rateLimiter.NumRequeues(item);

    /// <summary>
    /// Waits for an item and hands it to the caller, who must call <see cref="Done"/> with it.
    /// Returns a shut-down marker once the queue is shut down and empty.
    /// </summary>
    public async Task<WorkItem<T>> GetAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<WorkItem<T>> waiter;
        LinkedListNode<TaskCompletionSource<WorkItem<T>>> node;
        lock (_gate)
        {
            if (_queue.Count > 0)
            {
                return WorkItem<T>.Of(TakeLocked(_queue.Dequeue()));
            }

            if (_shuttingDown)
            {
                return WorkItem<T>.ShutDown();
            }

            waiter = new TaskCompletionSource<WorkItem<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiters.AddLast(waiter);
        }

        await using (cancellationToken.Register(() => CancelWaiter(node, cancellationToken)))
        {
            return await waiter.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Ends processing of <paramref name="item"/>; if it was added meanwhile it is queued again.</summary>
    public void Done(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            if (!_processing.Remove(item, out var started))
            {
                return;
            }

            _metrics.Processed(_time.GetElapsedTime(started));
            if (_dirty.Contains(item))
            {
                EnqueueLocked(item);
            }
            else if (_shuttingDown && _processing.Count == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    /// <summary>Stops accepting items, drops delayed ones and wakes idle workers.</summary>
    public void ShutDown()
    {
        List<TaskCompletionSource<WorkItem<T>>> woken;
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            foreach (var entry in _delayed.Values)
            {
                entry.Timer.Dispose();
            }

            _delayed.Clear();
            woken = [.. _waiters];
            _waiters.Clear();
            if (_processing.Count == 0)
            {
                _drained.TrySetResult();
            }
        }

        foreach (var waiter in woken)
        {
            waiter.TrySetResult(WorkItem<T>.ShutDown());
        }
    }

    /// <summary>Shuts down, then waits until every held item is <see cref="Done"/>.</summary>
    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken)
    {
        ShutDown();
        return _drained.Task.WaitAsync(cancellationToken);
    }

    public void Dispose() => ShutDown();

    private void AddLocked(T item)
    {
        if (_shuttingDown || !_dirty.Add(item))
        {
            return;
        }

        _metrics.Added();
        if (!_processing.ContainsKey(item))
        {
            EnqueueLocked(item);
        }
    }

    private void EnqueueLocked(T item)
    {
        if (_waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            _queuedAt[item] = _time.GetTimestamp();
            first.Value.TrySetResult(WorkItem<T>.Of(TakeLocked(item)));
            return;
        }

        _queue.Enqueue(item);
        _queuedAt[item] = _time.GetTimestamp();
        _metrics.DepthChanged(_queue.Count);
    }

    private T TakeLocked(T item)
    {
        var now = _time.GetTimestamp();
        if (_queuedAt.Remove(item, out var queued))
        {
            _metrics.Dequeued(_time.GetElapsedTime(queued, now));
        }

        _dirty.Remove(item);
        _processing[item] = now;
        _metrics.DepthChanged(_queue.Count);
        return item;
    }

    private void CancelWaiter(LinkedListNode<TaskCompletionSource<WorkItem<T>>> node, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // A waiter still in the list has not been handed an item; one that left it has, and keeps it.
            if (node.List is null)
            {
                return;
            }

            _waiters.Remove(node);
        }

        node.Value.TrySetCanceled(cancellationToken);
    }

    private void FireDelayed(DelayedEntry entry)
    {
        lock (_gate)
        {
            if (!_delayed.TryGetValue(entry.Item, out var current) || !ReferenceEquals(current, entry))
            {
                return;
            }

            _delayed.Remove(entry.Item);
            entry.Timer.Dispose();
            AddLocked(entry.Item);
        }
    }

    private sealed class DelayedEntry(WorkQueue<T> queue, T item, DateTimeOffset due)
    {
        public T Item { get; } = item;

        public DateTimeOffset Due { get; } = due;

        public ITimer Timer { get; set; } = null!;

        public void Fire() => queue.FireDelayed(this);
    }
}
