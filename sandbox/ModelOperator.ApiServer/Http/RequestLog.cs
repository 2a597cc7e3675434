using System.Collections.Concurrent;

namespace ModelOperator.ApiServer.Http;

/// <summary>One API request as the server received it (recorded when it arrives, so an open watch is in the log too).</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string UserAgent);

/// <summary>
/// The requests the server received, when <see cref="Hosting.InMemoryApiServerOptions.RecordRequests"/> is on: what a
/// test needs to check that a client (told apart by its User-Agent) only does what its RBAC allows. Bounded: past
/// <see cref="Capacity"/> requests the oldest are dropped.
/// </summary>
internal sealed class RequestLog
{
    public const int Capacity = 200_000;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public void Add(RecordedRequest request)
    {
        _requests.Enqueue(request);
        while (_requests.Count > Capacity && _requests.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<RecordedRequest> Snapshot() => [.. _requests];
}
