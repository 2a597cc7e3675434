using System.Collections.Concurrent;
using System.Net;
using System.Text;
using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Secrets;

/// <summary>
/// Fills in the headers of a web metric or a webhook (<see cref="HttpHeader"/>) when a call is made: literal values as
/// written, <c>valueFrom.secretKeyRef</c> by a GET of the Secret by name in the ModelDeployment's own namespace. No
/// Secret is watched or listed: the operator holds only the Secrets in use, for <see cref="CacheFor"/>, and needs only
/// <c>get</c> on secrets. A Secret or key that is missing is a <see cref="HeaderValues.Problem"/> naming them (and is not
/// cached, so a fix takes effect at the next call); a value is never put in a message.
/// </summary>
public sealed class SecretHeaderReader(IResourceClient<Secret> secrets, TimeProvider time)
{
    /// <summary>How long a read Secret is reused: calls of one analysis run or a webhook's retries share one GET, and a rotated token is used within seconds.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    /// <summary>At most this many Secrets are held; past it, expired ones are dropped, then all.</summary>
    public const int MaxCached = 256;

    private readonly ConcurrentDictionary<ObjectKey, (IReadOnlyDictionary<string, byte[]> Data, DateTimeOffset Until)> _cache = new();

    /// <summary>The headers with their values, or the first problem; <paramref name="namespace"/> is the ModelDeployment's.</summary>
    public async Task<HeaderValues> ReadAsync(string @namespace, IReadOnlyList<HttpHeader>? headers, CancellationToken cancellationToken)
    {
        if (headers is not { Count: > 0 })
        {
            return HeaderValues.None;
        }

        var values = new List<KeyValuePair<string, string>>(headers.Count);
        foreach (var header in headers)
        {
            var name = header.Name ?? string.Empty;
            if (header.Value is { } literal)
            {
                values.Add(new(name, literal));
                continue;
            }

            if (header.ValueFrom?.SecretKeyRef is not { Name: { } secret, Key: { } key })
            {
                return HeaderValues.Unavailable($"header {name} names no Secret key (valueFrom.secretKeyRef)");
            }

            var (data, problem) = await DataAsync(new ObjectKey(@namespace, secret), cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return HeaderValues.Unavailable($"header {name}: {problem}");
            }

            if (!data!.TryGetValue(key, out var bytes))
            {
                return HeaderValues.Unavailable($"header {name}: Secret {@namespace}/{secret} has no key \"{key}\"");
            }

            var value = Encoding.UTF8.GetString(bytes);
            if (HttpHeaderRules.ValueProblem(value) is not null)
            {
                // Not the rule's own words: they could say where a character is, and this value is a secret.
                return HeaderValues.Unavailable(value.EndsWith('\n')
                    ? $"header {name}: key \"{key}\" of Secret {@namespace}/{secret} ends with a newline; store the value without it (echo -n, or kubectl create secret --from-literal)"
                    : $"header {name}: key \"{key}\" of Secret {@namespace}/{secret} is not a header value: it must be at most {HttpHeader.MaxValueLength} printable ASCII characters, spaces and tabs, without white space at either end");
            }

            values.Add(new(name, value));
        }

        return HeaderValues.Of(values);
    }

    private async Task<(IReadOnlyDictionary<string, byte[]>? Data, string? Problem)> DataAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return (cached.Data, null);
        }

        Secret read;
        try
        {
            read = await secrets.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesNotFoundException)
        {
            _cache.TryRemove(key, out _);
            return (null, $"Secret {key.Namespace}/{key.Name} was not found");
        }
        catch (KubernetesApiException e) when (e.StatusCode is HttpStatusCode.Forbidden)
        {
            return (null, $"the operator may not read Secret {key.Namespace}/{key.Name} (its ClusterRole needs get on secrets; see docs/security.md)");
        }
        catch (KubernetesApiException e)
        {
            // The status code only: the API server's message is not ours to repeat.
            return (null, $"Secret {key.Namespace}/{key.Name} could not be read (HTTP {(int)e.StatusCode})");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            return (null, $"Secret {key.Namespace}/{key.Name} could not be read (the API server did not answer)");
        }

        var data = read.Data ?? new Dictionary<string, byte[]>();
        if (_cache.Count >= MaxCached)
        {
            foreach (var old in _cache.Where(c => c.Value.Until <= now).Select(c => c.Key).ToList())
            {
                _cache.TryRemove(old, out _);
            }

            if (_cache.Count >= MaxCached)
            {
                _cache.Clear();
            }
        }

        _cache[key] = (data, now + CacheFor);
        return (data, null);
    }
}
