using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>
/// Functions an <see cref="Informer{T}"/> applies to every object before it caches it or hands it to handlers
/// (controller-runtime's cache transform functions). They exist to keep the cache small: a controller caches every
/// object of a kind for as long as it runs, and most of an object is often fields it never reads.
/// A transform must keep every field that the controller reads, and everything it writes back through an update.
/// </summary>
public static class CacheTransforms
{
    /// <summary>The metadata field that server-side apply keeps its bookkeeping in.</summary>
    public const string ManagedFieldsKey = "managedFields";

    /// <summary>
    /// Drops <c>metadata.managedFields</c>, which on a real API server is often a third of an object and which controllers
    /// never read. Safe for objects that are written back with an update: an update that leaves managedFields out keeps
    /// the server's (only a non-empty list replaces them), as the API server documents.
    /// Example: a Deployment with two field managers loses both entries and keeps everything else, unknown fields included.
    /// </summary>
    public static T StripManagedFields<T>(T obj)
        where T : class, IKubernetesObject<T>
    {
        ArgumentNullException.ThrowIfNull(obj);
        var extra = obj.Metadata.ExtensionData;
        if (extra is null || !extra.ContainsKey(ManagedFieldsKey))
        {
            return obj;
        }

        var kept = new Dictionary<string, JsonElement>(extra.Count - 1, StringComparer.Ordinal);
        foreach (var (key, value) in extra)
        {
            if (key != ManagedFieldsKey)
            {
                kept[key] = value;
            }
        }

        return obj.WithMetadata(obj.Metadata with { ExtensionData = kept.Count == 0 ? null : kept });
    }

    /// <summary>
    /// A transform that makes the strings of each object shared through <paramref name="pool"/>: the object is written to
    /// JSON and read back with every string (property values and dictionary keys alike) looked up in the pool. The copy
    /// is equal to the original, field for field, unknown fields included. It costs one more serialization per object;
    /// an informer that reads from the API server avoids it by decoding with <see cref="CacheDecoding.For{T}"/> instead.
    /// </summary>
    public static Func<T, T> ShareStrings<T>(StringPool pool)
        where T : class, IKubernetesObject<T>
    {
        ArgumentNullException.ThrowIfNull(pool);
        var pooled = (JsonTypeInfo<T>)CacheDecoding.For<T>(pool).GetTypeInfo(typeof(T));
        return obj =>
        {
            ArgumentNullException.ThrowIfNull(obj);
            return JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(obj, T.JsonTypeInfo), pooled)!;
        };
    }
}
