using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Resources;
using ModelOperator.ApiServer.Selectors;
using ModelOperator.ApiServer.Storage;
using ModelOperator.ApiServer.Watch;
using ModelOperator.ApiServer.Writes;

namespace ModelOperator.ApiServer.Api;

/// <summary>
/// Deletion: preconditions, finalizers and deletionTimestamp, propagation (Background, Foreground,
/// Orphan), garbage collection through ownerReferences, namespace termination and CRD removal.
/// Garbage collection runs synchronously right after the owner goes, which tests can rely on.
/// </summary>
internal sealed partial class ResourceService
{
    private const string ForegroundFinalizer = "foregroundDeletion";

    public WriteResult Delete(ResourceType type, string? ns, string name, DeleteOptions delete, WriteOptions options)
    {
        lock (_store.Gate)
        {
            if (!options.DryRun)
            {
                FailIfFaulted(type, name);
            }

            var existing = Existing(type, ns, name);
            CheckPreconditions(type, existing, delete);
            if (options.DryRun)
            {
                var held = existing.Object.Finalizers().Count > 0 || PolicyOf(delete) == "Foreground";
                return new WriteResult(200, held ? Present(type, existing.Object) : Deleted(type, existing.Object));
            }

            _writes.Record(type.StorageKey, existing.Key.Namespace, existing.Key.Name, WriteKind.Delete);
            var result = DeleteObject(type, existing, PolicyOf(delete));
            Log.Deleted(_logger, type.QualifiedResource, existing.Key.ToString());
            var stillThere = _store.Get(type.StorageKey, existing.Key) is not null;
            return new WriteResult(200, stillThere ? Present(type, result) : Deleted(type, result));
        }
    }

    /// <summary>
    /// The answer for an object that is gone: the object itself where the real storage returns it (pods, service
    /// accounts), else a Status Success whose details name it (details.kind is the resource, as a real server writes it).
    /// An object still held by finalizers is answered by the caller, with its deletionTimestamp.
    /// </summary>
    private static JsonObject Deleted(ResourceType type, JsonObject last) => type.ReturnsDeletedObject
        ? Present(type, last)
        : new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = new JsonObject { ["name"] = last.Name(), ["group"] = type.Group, ["kind"] = type.Plural, ["uid"] = last.Uid() },
        };

    public List<JsonObject> DeleteCollection(ResourceType type, string? ns, ListOptions list, DeleteOptions delete, WriteOptions options)
    {
        var labels = LabelSelector.Parse(list.LabelSelector);
        var fields = FieldSelector.Parse(list.FieldSelector, type.StorageKey);
        lock (_store.Gate)
        {
            var deleted = new List<JsonObject>();
            foreach (var candidate in _store.Enumerate(type.StorageKey, type.Namespaced ? ns : null).ToList())
            {
                if (!labels.Matches(candidate.Object.Labels()) || !fields.Matches(candidate.Object))
                {
                    continue;
                }

                if (options.DryRun)
                {
                    deleted.Add(Present(type, candidate.Object));
                    continue;
                }

                if (_store.Get(type.StorageKey, candidate.Key) is not { } current)
                {
                    continue;
                }

                _writes.Record(type.StorageKey, current.Key.Namespace, current.Key.Name, WriteKind.Delete);
                deleted.Add(Present(type, DeleteObject(type, current, PolicyOf(delete))));
            }

            return deleted;
        }
    }

    private static string PolicyOf(DeleteOptions delete) => delete.PropagationPolicy switch
    {
        null or "" or "Background" => "Background",
        "Foreground" => "Foreground",
        "Orphan" => "Orphan",
        var other => throw ApiException.BadRequest($"propagationPolicy \"{other}\" is not supported; use Foreground, Background or Orphan"),
    };

    private static void CheckPreconditions(ResourceType type, StoredObject existing, DeleteOptions delete)
    {
        if (delete.PreconditionUid is { Length: > 0 } uid && uid != existing.Object.Uid())
        {
            throw ApiException.Conflict(type.QualifiedResource, existing.Key.Name, type.Group, type.Plural, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {existing.Object.Uid()}");
        }

        if (delete.PreconditionResourceVersion is { Length: > 0 } rv && rv != existing.Object.ResourceVersion())
        {
            throw ApiException.Conflict(type.QualifiedResource, existing.Key.Name, type.Group, type.Plural, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {existing.Object.ResourceVersion()}");
        }
    }

    /// <summary>Deletes one object under a propagation policy; returns its last state.</summary>
    private JsonObject DeleteObject(ResourceType type, StoredObject existing, string policy)
    {
        var obj = existing.Object;
        var uid = obj.Uid() ?? "";
        if (policy == "Orphan")
        {
            Orphan(uid);
        }

        var finalizers = obj.Finalizers();
        var foreground = policy == "Foreground" && _store.Dependents(uid).Count > 0;
        if (foreground && !finalizers.Contains(ForegroundFinalizer))
        {
            finalizers.Add(ForegroundFinalizer);
        }

        var isNamespace = type.StorageKey == BuiltInResources.Namespaces.StorageKey;
        var hasContents = isNamespace && _store.CountInNamespace(existing.Key.Name) > 0;
        if (finalizers.Count == 0 && !hasContents)
        {
            return RemoveNow(type, existing.Key) ?? obj;
        }

        var next = (JsonObject)obj.DeepClone();
        next.SetFinalizers(finalizers);
        var meta = next.Metadata();
        if (meta.GetString("deletionTimestamp") is null)
        {
            meta["deletionTimestamp"] = Timestamp();
            meta["deletionGracePeriodSeconds"] = 0;

            // Marking an object as deleting bumps its generation (kube-apiserver's markAsDeleting), so a controller
            // comparing observedGeneration sees that something changed.
            if (meta.GetInt64("generation") is { } generation and > 0)
            {
                meta["generation"] = generation + 1;
            }
        }

        if (isNamespace)
        {
            next.GetOrAddObject("status")["phase"] = "Terminating";
        }

        if (!Unchanged(obj, next))
        {
            _store.Put(type.StorageKey, next, WatchEvent.Modified);
        }

        if (foreground)
        {
            foreach (var dependent in _store.Dependents(uid))
            {
                DeleteDependent(dependent);
            }

            FinishForeground(uid);
        }

        if (isNamespace)
        {
            DeleteNamespaceContents(existing.Key.Name);
        }

        return _store.Get(type.StorageKey, existing.Key)?.Object ?? next;
    }

    /// <summary>Removes an object now and collects what depended on it.</summary>
    private JsonObject? RemoveNow(ResourceType type, ObjectKey key, JsonObject? finalState = null)
    {
        var removed = _store.Remove(type.StorageKey, key, finalState);
        if (removed is null)
        {
            return null;
        }

        AfterRemoval(type, removed);
        return removed.Object;
    }

    private void AfterRemoval(ResourceType type, StoredObject removed)
    {
        var uid = removed.Object.Uid();
        if (uid is not null)
        {
            // Background garbage collection: dependents whose every owner is gone are deleted.
            foreach (var dependent in _store.Dependents(uid))
            {
                var alive = dependent.Object.OwnerReferences().Any(o => o.Uid != uid && _store.FindByUid(o.Uid) is not null);
                if (alive)
                {
                    DropOwnerReference(dependent, uid);
                }
                else
                {
                    DeleteDependent(dependent);
                }
            }
        }

        foreach (var owner in removed.Object.OwnerReferences())
        {
            FinishForeground(owner.Uid);
        }

        if (removed.Key.Namespace.Length > 0)
        {
            FinishNamespace(removed.Key.Namespace);
        }

        if (type.StorageKey == BuiltInResources.CustomResourceDefinitions.StorageKey)
        {
            var served = CrdDefinition.ServedTypes(removed.Object);
            _registry.RemoveCrd(removed.Key.Name);
            foreach (var storageKey in served.Select(s => s.StorageKey).Distinct())
            {
                _store.RemoveAll(storageKey);
            }
        }
    }

    /// <summary>
    /// The garbage collector's view of a written object: one whose every owner is of a served kind yet does not exist
    /// (never created, or gone before the dependent was written) is collected, as a real cluster's garbage collector
    /// collects it moments later. An owner of a kind this server does not serve cannot be resolved, and keeps the
    /// dependent, as with a real collector.
    /// </summary>
    private void CollectIfOwnersAbsent(StoredObject written)
    {
        var owners = written.Object.GetObject("metadata")?.GetArray("ownerReferences")?.OfType<JsonObject>().ToList() ?? [];
        if (owners.Count == 0 || written.Object.DeletionTimestamp() is not null)
        {
            return;
        }

        var types = _registry.Current.ByPath.Values;
        foreach (var owner in owners)
        {
            var kind = owner.GetString("kind");
            var apiVersion = owner.GetString("apiVersion");
            if (!types.Any(t => t.Kind == kind && t.ApiVersion == apiVersion) || owner.GetString("uid") is not { } uid || _store.FindByUid(uid) is not null)
            {
                return;
            }
        }

        DeleteDependent(written);
    }

    private void DeleteDependent(StoredObject dependent)
    {
        if (_store.Get(dependent.StorageKey, dependent.Key) is not { } current || TypeFor(current.StorageKey) is not { } type)
        {
            return;
        }

        if (current.Object.DeletionTimestamp() is not null && current.Object.Finalizers().Count > 0)
        {
            return;
        }

        Log.Collected(_logger, type.QualifiedResource, current.Key.ToString());
        DeleteObject(type, current, "Background");
    }

    private void Orphan(string ownerUid)
    {
        foreach (var dependent in _store.Dependents(ownerUid))
        {
            DropOwnerReference(dependent, ownerUid);
        }
    }

    private void DropOwnerReference(StoredObject dependent, string ownerUid)
    {
        var next = (JsonObject)dependent.Object.DeepClone();
        if (next.GetObject("metadata")?.GetArray("ownerReferences") is { } refs)
        {
            foreach (var r in refs.OfType<JsonObject>().Where(r => r.GetString("uid") == ownerUid).ToList())
            {
                refs.Remove(r);
            }

            if (refs.Count == 0)
            {
                next.Metadata().Remove("ownerReferences");
            }
        }

        _store.Put(dependent.StorageKey, next, WatchEvent.Modified);
    }

    /// <summary>An owner deleted in the foreground goes once its last dependent is gone.</summary>
    private void FinishForeground(string ownerUid)
    {
        if (_store.FindByUid(ownerUid) is not { } owner || owner.Object.DeletionTimestamp() is null
            || !owner.Object.Finalizers().Contains(ForegroundFinalizer) || _store.Dependents(ownerUid).Count > 0
            || TypeFor(owner.StorageKey) is not { } type)
        {
            return;
        }

        var next = (JsonObject)owner.Object.DeepClone();
        next.SetFinalizers(owner.Object.Finalizers().Where(f => f != ForegroundFinalizer));
        if (next.Finalizers().Count == 0)
        {
            RemoveNow(type, owner.Key, next);
        }
        else
        {
            _store.Put(owner.StorageKey, next, WatchEvent.Modified);
        }
    }

    private void DeleteNamespaceContents(string ns)
    {
        var storageKeys = _registry.Current.ByPath.Values.Where(t => t.Namespaced).Select(t => t.StorageKey).Distinct().ToList();
        foreach (var storageKey in storageKeys)
        {
            foreach (var obj in _store.Enumerate(storageKey, ns).ToList())
            {
                DeleteDependent(obj);
            }
        }

        FinishNamespace(ns);
    }

    private void FinishNamespace(string ns)
    {
        var key = new ObjectKey("", ns);
        if (_store.Get(BuiltInResources.Namespaces.StorageKey, key) is { } nsObj && nsObj.Object.DeletionTimestamp() is not null
            && nsObj.Object.Finalizers().Count == 0 && _store.CountInNamespace(ns) == 0)
        {
            RemoveNow(BuiltInResources.Namespaces, key);
        }
    }

    private ResourceType? TypeFor(string storageKey) => _registry.Current.ByStorageKey(storageKey).FirstOrDefault();
}
