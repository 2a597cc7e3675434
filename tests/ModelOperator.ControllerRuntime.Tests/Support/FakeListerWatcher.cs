using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;

namespace ModelOperator.ControllerRuntime.Tests.Support;

/// <summary>
/// A scripted API for one kind: the test sets what a list returns, and feeds each watch's events
/// through a channel it can end. Calls are reported on channels so tests can wait for them.
/// </summary>
internal sealed class FakeListerWatcher<T> : IListerWatcher<T>
    where T : class, IKubernetesObject
{
    private readonly Lock _gate = new();
    private Channel<WatchEvent<T>> _current = Channel.CreateUnbounded<WatchEvent<T>>();

    public IReadOnlyList<T> Objects { get; set; } = [];

    public string ListVersion { get; set; } = "1";

    /// <summary>Exceptions thrown by the next list calls, one per call.</summary>
    public Queue<Exception> ListFailures { get; } = new();

    public Channel<(int Limit, string? Continue)> ListCalls { get; } = Channel.CreateUnbounded<(int, string?)>();

    public Channel<string> WatchCalls { get; } = Channel.CreateUnbounded<string>();

    /// <summary>The timeoutSeconds each watch asked for, in order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<int> WatchTimeouts { get; } = new();

    public Task<ObjectList<T>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken)
    {
        ListCalls.Writer.TryWrite((limit, continueToken));
        lock (_gate)
        {
            if (ListFailures.TryDequeue(out var failure))
            {
                return Task.FromException<ObjectList<T>>(failure);
            }

            var start = continueToken is null ? 0 : int.Parse(continueToken, System.Globalization.CultureInfo.InvariantCulture);
            var page = Objects.Skip(start).Take(limit).ToArray();
            var next = start + page.Length;
            return Task.FromResult(new ObjectList<T>
            {
                Items = page,
                Metadata = new ListMeta
                {
                    ResourceVersion = ListVersion,
                    Continue = next < Objects.Count ? next.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
                },
            });
        }
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Channel<WatchEvent<T>> channel;
        lock (_gate)
        {
            channel = _current;
        }

        WatchTimeouts.Enqueue(timeoutSeconds);
        WatchCalls.Writer.TryWrite(resourceVersion);
        await foreach (var e in channel.Reader.ReadAllAsync(cancellationToken))
        {
            yield return e;
        }
    }

    /// <summary>Sends an event on the open (or next) watch.</summary>
    public void Send(WatchEventType type, T obj) => Current().Writer.TryWrite(new WatchEvent<T>(type, obj));

    /// <summary>Sends an error status on the watch, which ends it; the next watch gets a fresh stream.</summary>
    public void SendError(int code, string reason)
    {
        Current().Writer.TryWrite(new WatchEvent<T>(WatchEventType.Error, null, new Status { Code = code, Reason = reason, Message = reason }));
        EndWatch();
    }

    /// <summary>Ends the open watch; the next watch gets a fresh stream.</summary>
    public void EndWatch()
    {
        lock (_gate)
        {
            _current.Writer.TryComplete();
            _current = Channel.CreateUnbounded<WatchEvent<T>>();
        }
    }

    private Channel<WatchEvent<T>> Current()
    {
        lock (_gate)
        {
            return _current;
        }
    }
}
