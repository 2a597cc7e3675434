using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Errors;

namespace ModelOperator.ApiServer.Resources;

/// <summary>
/// How a resource whose objects live in another resource's store converts to and from that store's form, as
/// kube-apiserver serves one storage in several group versions (events.k8s.io/v1 Events are core/v1 Events).
/// </summary>
internal interface IStoredForm
{
    /// <summary>The store that holds the objects.</summary>
    string StorageKey { get; }

    /// <summary>The stored form of an object as this resource presents it (a copy; the argument is not kept).</summary>
    JsonObject ToStorage(JsonObject external);

    /// <summary>The object as this resource presents it, from its stored form (a copy).</summary>
    JsonObject FromStorage(JsonObject stored);

    /// <summary>The rules this resource adds for writes through it; <paramref name="old"/> is null on create.</summary>
    List<StatusCause> Validate(JsonObject external, JsonObject? old);
}
