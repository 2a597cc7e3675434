using System.Net;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Watching;

/// <summary>
/// Lists and watches one kind through the Kubernetes client, in one namespace or all of them, optionally narrowed by a
/// label or field selector. A watch refused with 410 Gone comes back as an <see cref="WatchEventType.Error"/> event, as
/// <see cref="IListerWatcher{T}"/> asks.
/// </summary>
public sealed class ResourceListerWatcher<T> : IListerWatcher<T>
    where T : class, IKubernetesObject<T>
{
    private readonly IResourceClient<T> _client;
    private readonly string? _namespace;
    private readonly string? _labelSelector;
    private readonly string? _fieldSelector;

    /// <param name="client">The client for the kind.</param>
    /// <param name="namespace">One namespace, or null for all namespaces (and for cluster-scoped kinds).</param>
    /// <param name="labelSelector">Only objects matching this selector, e.g. <c>app=web</c>; null for all.</param>
    /// <param name="fieldSelector">Only objects matching this field selector, e.g. <c>metadata.name=web</c>; null for all.</param>
    public ResourceListerWatcher(IResourceClient<T> client, string? @namespace = null, string? labelSelector = null, string? fieldSelector = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _namespace = string.IsNullOrEmpty(@namespace) ? null : @namespace;
        _labelSelector = string.IsNullOrEmpty(labelSelector) ? null : labelSelector;
        _fieldSelector = string.IsNullOrEmpty(fieldSelector) ? null : fieldSelector;
    }

    public Task<ObjectList<T>> ListAsync(int limit, string? continueToken, CancellationToken cancellationToken) =>
        _client.ListAsync(
            _namespace,
            new ListOptions { Limit = limit, Continue = continueToken, LabelSelector = _labelSelector, FieldSelector = _fieldSelector },
            cancellationToken);

    public IAsyncEnumerable<WatchEvent<T>> WatchAsync(string resourceVersion, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var options = new WatchOptions
        {
            ResourceVersion = resourceVersion,
            LabelSelector = _labelSelector,
            FieldSelector = _fieldSelector,
            AllowWatchBookmarks = true,
            TimeoutSeconds = timeoutSeconds,
        };
        return WatchStream.UntilError(_client.WatchAsync(_namespace, options, cancellationToken), GoneAsError, cancellationToken);
    }

    /// <summary>A version the server no longer has: the informer lists again.</summary>
    private static Status? GoneAsError(KubernetesApiException ex) =>
        ex is KubernetesGoneException || ex.StatusCode == HttpStatusCode.Gone ? ex.Status with { Code = 410 } : null;
}
