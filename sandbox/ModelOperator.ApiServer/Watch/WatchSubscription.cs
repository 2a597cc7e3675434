using System.Threading.Channels;

namespace ModelOperator.ApiServer.Watch;

/// <summary>One open watch: the events routed to it and a token that ends it.</summary>
internal sealed class WatchSubscription : IDisposable
{
    private readonly CancellationTokenSource _ended = new();

    public WatchSubscription(string storageKey, string? ns)
    {
        StorageKey = storageKey;
        Namespace = ns;
    }

    public string StorageKey { get; }

    /// <summary>The namespace watched, or null for all namespaces.</summary>
    public string? Namespace { get; }

    public Channel<WatchEvent> Events { get; } = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });

    public CancellationToken Ended => _ended.Token;

    public bool Wants(WatchEvent e) => e.StorageKey == StorageKey && (Namespace is null || e.Namespace == Namespace);

    public void End()
    {
        try
        {
            _ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    public void Dispose() => _ended.Dispose();
}
