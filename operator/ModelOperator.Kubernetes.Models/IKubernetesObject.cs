using System.Text.Json.Serialization.Metadata;

namespace ModelOperator.Kubernetes.Models;

/// <summary>
/// Any object the API server stores: it names its API version and kind and carries standard metadata.
/// Objects are immutable records; clone with <c>with</c> instead of mutating (cached objects are shared).
/// </summary>
public interface IKubernetesObject
{
    /// <summary>The group/version, e.g. <c>apps/v1</c> or <c>v1</c> for the core group.</summary>
    string ApiVersion { get; }

    /// <summary>The kind, e.g. <c>Deployment</c>.</summary>
    string Kind { get; }

    /// <summary>Standard object metadata.</summary>
    ObjectMeta Metadata { get; }
}

/// <summary>
/// A typed kind the client can serve: it declares where it lives in the API (<see cref="Resource"/>)
/// and how it is (de)serialized (source-generated JSON metadata). A custom resource defined in another
/// project implements this interface with its own <c>JsonSerializerContext</c>.
/// </summary>
/// <typeparam name="TSelf">The implementing record type.</typeparam>
public interface IKubernetesObject<TSelf> : IKubernetesObject
    where TSelf : class, IKubernetesObject<TSelf>
{
    /// <summary>Group, version, plural, kind and scope of this type.</summary>
    static abstract ResourceDescriptor Resource { get; }

    /// <summary>JSON metadata for one object.</summary>
    static abstract JsonTypeInfo<TSelf> JsonTypeInfo { get; }

    /// <summary>JSON metadata for a list of objects.</summary>
    static abstract JsonTypeInfo<ObjectList<TSelf>> ListJsonTypeInfo { get; }

    /// <summary>Returns a copy with different metadata (generic code cannot use <c>with</c>).</summary>
    TSelf WithMetadata(ObjectMeta metadata);
}
