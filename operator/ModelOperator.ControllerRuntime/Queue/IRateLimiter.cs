namespace ModelOperator.ControllerRuntime.Queue;

/// <summary>
/// Decides how long an item must wait before it is processed again (client-go's
/// <c>workqueue.TypedRateLimiter</c>). Implementations are safe to call from several threads.
/// </summary>
/// <typeparam name="T">The work item type, usually an object key.</typeparam>
public interface IRateLimiter<in T>
    where T : notnull
{
    /// <summary>Records one more retry of <paramref name="item"/> and returns how long it must wait.</summary>
    TimeSpan When(T item);

    /// <summary>Stops tracking <paramref name="item"/>: its next failure starts from the base delay again.</summary>
    void Forget(T item);

    /// <summary>How many times <see cref="When"/> was called for <paramref name="item"/> since it was last forgotten.</summary>
    int NumRequeues(T item);
}
