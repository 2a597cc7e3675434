using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Informers;

/// <summary>
/// JSON options that read objects of one kind straight into the shape a cache keeps (pass them to
/// <c>IKubernetesClient.Resource&lt;T&gt;(decoding)</c> for an informer's lister-watcher): every string is looked up in a
/// <see cref="StringPool"/> as it is read, and the fields named as skipped are passed over in the JSON without being
/// built at all. The transform functions of <see cref="CacheTransforms"/> do the same on objects already decoded, at
/// the price of decoding everything first; an informer that lists 10 000 pods decodes each one only once this way.
/// </summary>
public static class CacheDecoding
{
    /// <summary>A field a cache does not keep: the JSON property <paramref name="JsonName"/> of <paramref name="DeclaringType"/>.</summary>
    /// <example><c>new SkippedField(typeof(Pod), "spec")</c>; <c>CacheDecoding.ManagedFields</c> for <c>metadata.managedFields</c>.</example>
    public sealed record SkippedField(Type DeclaringType, string JsonName);

    /// <summary><c>metadata.managedFields</c> of every kind (see <see cref="CacheTransforms.StripManagedFields{T}"/>).</summary>
    public static SkippedField ManagedFields { get; } = new(typeof(ObjectMeta), CacheTransforms.ManagedFieldsKey);

    /// <summary>
    /// Options derived from <typeparamref name="T"/>'s own JSON contract. A skipped field that the type models reads as
    /// null; one the type keeps only as unknown JSON (like managedFields in <see cref="ObjectMeta.ExtensionData"/>) is read
    /// past instead of being kept there. Writing with these options leaves skipped fields out. A name that is neither
    /// modelled nor could be unknown JSON fails here, rather than skip nothing silently.
    /// </summary>
    public static JsonSerializerOptions For<T>(StringPool? strings, params IReadOnlyList<SkippedField> skipped)
        where T : class, IKubernetesObject<T>
    {
        ArgumentNullException.ThrowIfNull(skipped);
        var own = T.JsonTypeInfo.Options;
        var options = new JsonSerializerOptions(own);
        if (skipped.Count > 0)
        {
            var resolver = own.TypeInfoResolver ?? throw new InvalidOperationException($"{typeof(T).Name}'s JSON contract has no type info resolver.");
            options.TypeInfoResolver = resolver.WithAddedModifier(info => Skip(info, skipped));
        }

        if (strings is not null)
        {
            options.Converters.Insert(0, new PooledStringConverter(strings));
        }

        // Resolve the contracts now, so that a mistake in the skipped fields shows when the options are made.
        _ = options.GetTypeInfo(typeof(T));
        _ = options.GetTypeInfo(typeof(ObjectList<T>));
        foreach (var field in skipped)
        {
            _ = options.GetTypeInfo(field.DeclaringType);
        }

        return options;
    }

    private static void Skip(JsonTypeInfo info, IReadOnlyList<SkippedField> skipped)
    {
        foreach (var field in skipped.Where(f => f.DeclaringType == info.Type))
        {
            // A modelled property keeps its place in the contract (records bind init-only properties like constructor
            // parameters, so it cannot be removed) but reads as null; an unmodelled one gets a property of its own that
            // takes the value away from the extension data. Either way the value is read past, never built.
            var property = info.Properties.FirstOrDefault(p => p.Name == field.JsonName);
            if (property is null)
            {
                if (info.Properties.All(p => !p.IsExtensionData))
                {
                    throw new ArgumentException(
                        $"{info.Type.Name} has no JSON property '{field.JsonName}' and keeps no unknown fields, so there is nothing to skip. " +
                        $"Its properties: {string.Join(", ", info.Properties.Select(p => p.Name))}.",
                        nameof(skipped));
                }

                property = info.CreateJsonPropertyInfo(typeof(JsonElement), field.JsonName);
                property.Set = static (_, _) => { };
                info.Properties.Add(property);
            }

            property.CustomConverter = (JsonConverter)Activator.CreateInstance(typeof(SkippingConverter<>).MakeGenericType(property.PropertyType))!;
            property.ShouldSerialize = static (_, _) => false;
        }
    }

    /// <summary>Reads past a value and yields the type's default (null for the reference types skipped here).</summary>
    private sealed class SkippingConverter<TValue> : JsonConverter<TValue>
    {
        public override TValue? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            reader.Skip();
            return default;
        }

        public override void Write(Utf8JsonWriter writer, TValue value, JsonSerializerOptions options) =>
            throw new NotSupportedException("A skipped field is never written.");
    }
}
