namespace ModelOperator.ControllerRuntime.Queue;

/// <summary>
/// What <see cref="WorkQueue{T}.GetAsync"/> returns: an item the caller now holds (and must pass to
/// <see cref="WorkQueue{T}.Done"/>), or the news that the queue is shut down and empty.
/// </summary>
public readonly struct WorkItem<T> : IEquatable<WorkItem<T>>
    where T : notnull
{
    private readonly T? _item;

    private WorkItem(T? item, bool isShutDown)
    {
        _item = item;
        IsShutDown = isShutDown;
    }

    /// <summary>True when the queue was shut down and has nothing left to hand out.</summary>
    public bool IsShutDown { get; }

    /// <summary>The item; only valid when <see cref="IsShutDown"/> is false.</summary>
    public T Item => IsShutDown
        ? throw new InvalidOperationException("The work queue is shut down: there is no item.")
        : _item!;

    internal static WorkItem<T> Of(T item) => new(item, false);

    internal static WorkItem<T> ShutDown() => new(default, true);

    public bool Equals(WorkItem<T> other) =>
        IsShutDown == other.IsShutDown && EqualityComparer<T?>.Default.Equals(_item, other._item);

    public override bool Equals(object? obj) => obj is WorkItem<T> other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(IsShutDown, _item);

    public static bool operator ==(WorkItem<T> left, WorkItem<T> right) => left.Equals(right);

    public static bool operator !=(WorkItem<T> left, WorkItem<T> right) => !left.Equals(right);

    public override string ToString() => IsShutDown ? "<shut down>" : _item!.ToString() ?? string.Empty;
}
