using System.Text.Json.Nodes;

namespace ModelOperator.ApiServer.Storage;

/// <summary>
/// One stored object. <see cref="Object"/> is never mutated after it is stored: code that wants to
/// change it clones it first, and a write stores a new instance.
/// </summary>
internal sealed record StoredObject(string StorageKey, ObjectKey Key, JsonObject Object, long ResourceVersion);
