using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Http;

/// <summary>The HTTP implementation of <see cref="IResourceClient{T}"/> for one kind.</summary>
internal sealed class ResourceClient<T> : IResourceClient<T>
    where T : class, IKubernetesObject<T>
{
    private const string JsonMediaType = "application/json";
    private const string ApplyMediaType = "application/apply-patch+yaml";
    private const int DefaultPageSize = 500;

    private readonly KubernetesClient _client;
    private readonly ResourceDescriptor _resource = T.Resource;

    // What answers are read with: the kind's own contract, or the caller's (IKubernetesClient.Resource<T>(decoding)).
    private readonly JsonTypeInfo<T> _read;
    private readonly JsonTypeInfo<ObjectList<T>> _readList;

    public ResourceClient(KubernetesClient client, JsonSerializerOptions? decoding = null)
    {
        _client = client;
        _read = decoding is null ? T.JsonTypeInfo : (JsonTypeInfo<T>)decoding.GetTypeInfo(typeof(T));
        _readList = decoding is null ? T.ListJsonTypeInfo : (JsonTypeInfo<ObjectList<T>>)decoding.GetTypeInfo(typeof(ObjectList<T>));
    }

    public Task<T> GetAsync(ObjectKey key, CancellationToken cancellationToken = default) =>
        SendForObjectAsync(HttpMethod.Get, _resource.ObjectPath(key), null, $"get {_resource.Kind} {key}", _read, cancellationToken);

    public Task<ObjectList<T>> ListAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ListOptions();
        if (options.Limit is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Limit, "ListOptions.Limit must be positive when set.");
        }

        var query = new QueryString()
            .Add("labelSelector", options.LabelSelector)
            .Add("fieldSelector", options.FieldSelector)
            .Add("limit", options.Limit)
            .Add("continue", options.Continue)
            .Add("resourceVersion", options.ResourceVersion)
            .Add("resourceVersionMatch", options.ResourceVersionMatch);
        return SendForObjectAsync(
            HttpMethod.Get, _resource.CollectionPath(@namespace) + query, null, $"list {_resource.Plural}{InNamespace(@namespace)}", _readList, cancellationToken);
    }

    public async Task<ObjectList<T>> ListAllAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ListOptions();
        var pageOptions = options with { Limit = options.Limit ?? DefaultPageSize, Continue = null };
        var items = new List<T>();
        ObjectList<T>? first = null;
        while (true)
        {
            var page = await ListAsync(@namespace, pageOptions, cancellationToken).ConfigureAwait(false);
            first ??= page;
            items.AddRange(page.Items);
            if (string.IsNullOrEmpty(page.Metadata.Continue))
            {
                break;
            }

            // A continue token pins the snapshot; resourceVersion must not be sent alongside it.
            pageOptions = pageOptions with { Continue = page.Metadata.Continue, ResourceVersion = null, ResourceVersionMatch = null };
        }

        return first with { Items = items, Metadata = first.Metadata with { Continue = null, RemainingItemCount = null } };
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(
        string? @namespace, WatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TimeoutSeconds is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TimeoutSeconds, "WatchOptions.TimeoutSeconds must be positive when set.");
        }

        var query = new QueryString()
            .Add("watch", true)
            .Add("resourceVersion", options.ResourceVersion)
            .Add("labelSelector", options.LabelSelector)
            .Add("fieldSelector", options.FieldSelector)
            .Add("allowWatchBookmarks", options.AllowWatchBookmarks)
            .Add("timeoutSeconds", options.TimeoutSeconds);
        var path = _resource.CollectionPath(@namespace) + query;
        var operation = $"watch {_resource.Plural}{InNamespace(@namespace)} from resourceVersion '{options.ResourceVersion}'";

        // Idle detection (a stream gone silent) belongs to the one list-watch engine, Watching/ListWatcher, which cancels
        // this enumeration through the token.
        using var response = await _client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), operation, streaming: true, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                yield break;
            }

            if (line.Length == 0)
            {
                continue;
            }

            var watchEvent = WatchEventParser.Parse(line, _read);
            yield return watchEvent;
            if (watchEvent.Type == WatchEventType.Error)
            {
                yield break;
            }
        }
    }

    public Task<T> CreateAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var ns = _resource.Namespaced ? RequireNamespace(obj) : null;
        var path = _resource.CollectionPath(ns) + WriteQuery(options);
        var name = obj.Metadata.Name ?? obj.Metadata.GenerateName + "*";
        return SendForObjectAsync(HttpMethod.Post, path, JsonBody(obj, T.JsonTypeInfo, JsonMediaType), $"create {_resource.Kind} {new ObjectKey(ns ?? string.Empty, name)}", _read, cancellationToken);
    }

    public Task<T> UpdateAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var key = KeyOf(obj);
        return SendForObjectAsync(
            HttpMethod.Put, _resource.ObjectPath(key) + WriteQuery(options), JsonBody(obj, T.JsonTypeInfo, JsonMediaType), $"update {_resource.Kind} {key}", _read, cancellationToken);
    }

    public async Task<T?> DeleteAsync(ObjectKey key, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var path = _resource.ObjectPath(key);
        var body = options is null ? null : DeleteOptionsBody(options);
        using var response = await _client.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Delete, path) { Content = body?.Invoke() },
            $"delete {_resource.Kind} {key}",
            streaming: false,
            cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text) || KubernetesErrors.ParseStatus(text) is not null)
        {
            return null;
        }

        return Deserialize(text, _read, $"delete {_resource.Kind} {key}");
    }

    public Task<T> PatchAsync(ObjectKey key, Patch patch, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        PatchCoreAsync(key, string.Empty, patch, options, cancellationToken);

    public Task<T> ApplyAsync(T obj, ApplyOptions options, CancellationToken cancellationToken = default) =>
        ApplyCoreAsync(obj, string.Empty, options, cancellationToken);

    public Task<T> GetStatusAsync(ObjectKey key, CancellationToken cancellationToken = default) =>
        SendForObjectAsync(HttpMethod.Get, _resource.ObjectPath(key) + "/status", null, $"get {_resource.Kind} {key} status", _read, cancellationToken);

    public Task<T> UpdateStatusAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var key = KeyOf(obj);
        return SendForObjectAsync(
            HttpMethod.Put, _resource.ObjectPath(key) + "/status" + WriteQuery(options), JsonBody(obj, T.JsonTypeInfo, JsonMediaType), $"update {_resource.Kind} {key} status", _read, cancellationToken);
    }

    public Task<T> PatchStatusAsync(ObjectKey key, Patch patch, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        PatchCoreAsync(key, "/status", patch, options, cancellationToken);

    public Task<Scale> GetScaleAsync(ObjectKey key, CancellationToken cancellationToken = default) =>
        SendForObjectAsync(HttpMethod.Get, _resource.ObjectPath(key) + "/scale", null, $"get {_resource.Kind} {key} scale", Scale.JsonTypeInfo, cancellationToken);

    public Task<Scale> UpdateScaleAsync(ObjectKey key, Scale scale, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scale);
        var body = scale with
        {
            Metadata = scale.Metadata with { Name = key.Name, Namespace = string.IsNullOrEmpty(key.Namespace) ? null : key.Namespace },
        };
        return SendForObjectAsync(
            HttpMethod.Put, _resource.ObjectPath(key) + "/scale" + WriteQuery(options), JsonBody(body, Scale.JsonTypeInfo, JsonMediaType), $"update {_resource.Kind} {key} scale", Scale.JsonTypeInfo, cancellationToken);
    }

    private Task<T> PatchCoreAsync(ObjectKey key, string subresource, Patch patch, WriteOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var bytes = Encoding.UTF8.GetBytes(patch.Body);
        var contentType = patch.ContentType;
        return SendForObjectAsync(
            HttpMethod.Patch,
            _resource.ObjectPath(key) + subresource + WriteQuery(options),
            () => Content(bytes, contentType),
            $"patch {_resource.Kind} {key}{subresource} ({patch.Type})",
            _read,
            cancellationToken);
    }

    private Task<T> ApplyCoreAsync(T obj, string subresource, ApplyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.FieldManager))
        {
            throw new ArgumentException("Server-side apply needs ApplyOptions.FieldManager (e.g. 'modeloperator').", nameof(options));
        }

        var key = KeyOf(obj);

        // Apply bodies must name apiVersion and kind; defaults on the record guarantee that, but guard against blanks.
        if (string.IsNullOrEmpty(obj.ApiVersion) || string.IsNullOrEmpty(obj.Kind))
        {
            throw new ArgumentException($"Server-side apply of {key} needs apiVersion and kind set on the object.", nameof(obj));
        }

        var query = new QueryString()
            .Add("fieldManager", options.FieldManager)
            .Add("force", options.Force)
            .Add("dryRun", options.DryRun ? "All" : null);

        // JSON is valid YAML, so the apply body is the object's JSON sent as application/apply-patch+yaml.
        return SendForObjectAsync(
            HttpMethod.Patch, _resource.ObjectPath(key) + subresource + query, JsonBody(obj, T.JsonTypeInfo, ApplyMediaType), $"apply {_resource.Kind} {key}{subresource}", _read, cancellationToken);
    }

    private async Task<TResult> SendForObjectAsync<TResult>(
        HttpMethod method, string path, Func<HttpContent>? content, string operation, JsonTypeInfo<TResult> typeInfo, CancellationToken cancellationToken)
    {
        using var response = await _client.SendAsync(
            () => new HttpRequestMessage(method, path) { Content = content?.Invoke() },
            operation,
            streaming: false,
            cancellationToken).ConfigureAwait(false);
        // Decoded from the body's UTF-8 bytes: reading it as a string first would transcode every page of a list to UTF-16
        // and back. Whole rather than streamed, because a contract may read past values (see CacheDecoding in the
        // controller runtime), which needs the value complete in the buffer.
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo) ?? throw EmptyBody(operation);
        }
        catch (JsonException e)
        {
            throw NotA<TResult>(operation, e);
        }
    }

    private static TResult Deserialize<TResult>(string text, JsonTypeInfo<TResult> typeInfo, string operation)
    {
        try
        {
            return JsonSerializer.Deserialize(text, typeInfo) ?? throw EmptyBody(operation);
        }
        catch (JsonException e)
        {
            throw NotA<TResult>(operation, e);
        }
    }

    private static KubernetesApiException EmptyBody(string operation) => new($"{operation} returned an empty body.");

    private static KubernetesApiException NotA<TResult>(string operation, JsonException e) =>
        new($"{operation} returned a body that is not a {typeof(TResult).Name}: {e.Message}", e);

    private string WriteQuery(WriteOptions? options) =>
        new QueryString()
            .Add("fieldManager", options?.FieldManager ?? _client.Options.FieldManager)
            .Add("dryRun", options?.DryRun == true ? "All" : null)
            .ToString();

    private static Func<HttpContent> JsonBody<TBody>(TBody body, JsonTypeInfo<TBody> typeInfo, string mediaType)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, typeInfo);
        return () => Content(bytes, mediaType);
    }

    private static ByteArrayContent Content(byte[] bytes, string mediaType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = mediaType == JsonMediaType ? "utf-8" : null };
        return content;
    }

    private static Func<HttpContent> DeleteOptionsBody(DeleteOptions options)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion", "v1");
            writer.WriteString("kind", "DeleteOptions");
            if (options.PropagationPolicy is { } policy)
            {
                writer.WriteString("propagationPolicy", policy.ToString());
            }

            if (options.GracePeriodSeconds is { } grace)
            {
                writer.WriteNumber("gracePeriodSeconds", grace);
            }

            if (options.PreconditionUid is not null || options.PreconditionResourceVersion is not null)
            {
                writer.WriteStartObject("preconditions");
                if (options.PreconditionUid is { } uid)
                {
                    writer.WriteString("uid", uid);
                }

                if (options.PreconditionResourceVersion is { } rv)
                {
                    writer.WriteString("resourceVersion", rv);
                }

                writer.WriteEndObject();
            }

            if (options.DryRun)
            {
                writer.WriteStartArray("dryRun");
                writer.WriteStringValue("All");
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        var bytes = buffer.ToArray();
        return () => Content(bytes, JsonMediaType);
    }

    private ObjectKey KeyOf(T obj)
    {
        if (string.IsNullOrEmpty(obj.Metadata.Name))
        {
            throw new ArgumentException($"The {_resource.Kind} has no metadata.name.", nameof(obj));
        }

        return new ObjectKey(_resource.Namespaced ? RequireNamespace(obj) : string.Empty, obj.Metadata.Name);
    }

    private string RequireNamespace(T obj) =>
        string.IsNullOrEmpty(obj.Metadata.Namespace)
            ? throw new ArgumentException($"{_resource.Kind} '{obj.Metadata.Name ?? obj.Metadata.GenerateName}' is namespaced but metadata.namespace is empty.", nameof(obj))
            : obj.Metadata.Namespace;

    private static string InNamespace(string? @namespace) => string.IsNullOrEmpty(@namespace) ? " in all namespaces" : $" in {@namespace}";
}
