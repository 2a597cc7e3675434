using System.Net;
using System.Runtime.CompilerServices;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;

namespace ModelOperator.Kubernetes.Tests.Watching;

/// <summary>The one watch loop: events up to the first Error, and only the errors the caller's policy names become that Error.</summary>
public sealed class WatchStreamTests
{
    private static readonly Lease A = new() { Metadata = new ObjectMeta { Name = "a" } };

    private static Status? NotFoundAsGone(KubernetesApiException ex) =>
        ex is KubernetesNotFoundException ? new Status { Code = 410, Reason = "Expired" } : null;

    [Fact]
    public async Task Events_pass_until_the_first_error_event_and_nothing_after_it()
    {
        var events = await Collect(WatchStream.UntilError(
            Source([new(WatchEventType.Added, A), new(WatchEventType.Error, null, new Status { Code = 410 }), new(WatchEventType.Modified, A)]),
            NotFoundAsGone,
            CancellationToken.None));

        Assert.Equal([WatchEventType.Added, WatchEventType.Error], events.Select(e => e.Type));
    }

    [Fact]
    public async Task An_error_the_policy_names_ends_the_stream_as_an_error_event()
    {
        var events = await Collect(WatchStream.UntilError(
            Source([new(WatchEventType.Added, A)], new KubernetesNotFoundException("the CRD is gone")), NotFoundAsGone, CancellationToken.None));

        Assert.Equal([WatchEventType.Added, WatchEventType.Error], events.Select(e => e.Type));
        Assert.Equal(410, events[^1].Status!.Code);
    }

    [Fact]
    public async Task An_error_the_policy_does_not_name_escapes()
    {
        var stream = WatchStream.UntilError(
            Source([], new KubernetesApiException(HttpStatusCode.Forbidden, new Status { Code = 403 }, "forbidden")), NotFoundAsGone, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<KubernetesApiException>(() => Collect(stream));
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
    }

    private static async IAsyncEnumerable<WatchEvent<Lease>> Source(WatchEvent<Lease>[] events, Exception? thenThrow = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var e in events)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }

        await Task.Yield();
        if (thenThrow is not null)
        {
            throw thenThrow;
        }
    }

    private static async Task<List<WatchEvent<Lease>>> Collect(IAsyncEnumerable<WatchEvent<Lease>> stream)
    {
        var list = new List<WatchEvent<Lease>>();
        await foreach (var e in stream)
        {
            list.Add(e);
        }

        return list;
    }
}
