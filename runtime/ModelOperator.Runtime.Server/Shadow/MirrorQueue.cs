using System.Threading.Channels;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// The bounded queue between the request path and the senders. Adding never waits: a full (or closed) queue refuses at
/// once. Taking is asynchronous: an idle sender holds no thread, and a copy wakes one sender, which then takes every copy
/// queued by the time it looks (<see cref="CopySender"/>), so a burst costs one wake, not one per copy.
/// </summary>
internal sealed class MirrorQueue(int capacity)
{
    private readonly Channel<MirrorCopy> _channel = Channel.CreateBounded<MirrorCopy>(new BoundedChannelOptions(capacity)
    {
        // Wait means "refuse" for TryWrite, which is all the request path calls: it never waits.
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = false,
        SingleWriter = false,
        // A sender's continuation runs on the pool, never inline on the request's thread that queued the copy.
        AllowSynchronousContinuations = false,
    });

    /// <summary>Copies waiting to be sent.</summary>
    public int Count => _channel.Reader.Count;

    /// <summary>Where the senders take copies from; it completes once the queue is closed and emptied.</summary>
    public ChannelReader<MirrorCopy> Reader => _channel.Reader;

    /// <summary>Queues <paramref name="copy"/>, or returns false at once when the queue is full or closed.</summary>
    public bool TryAdd(MirrorCopy copy) => _channel.Writer.TryWrite(copy);

    /// <summary>Refuses further copies; the senders stop once they see the shutdown.</summary>
    public void Close() => _channel.Writer.TryComplete();
}
