using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Faults;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Patch;
using ModelOperator.ApiServer.Resources;
using ModelOperator.ApiServer.Selectors;
using ModelOperator.ApiServer.Storage;
using ModelOperator.ApiServer.Validation;
using ModelOperator.ApiServer.Writes;

namespace ModelOperator.ApiServer.Api;

/// <summary>
/// The REST semantics of the API over the store: reads, lists with selectors and pagination,
/// create and update with defaulting, validation, resourceVersion preconditions, generation and
/// the status subresource rules. Patches and deletes live in the partial files beside this one.
/// Every operation runs under the store lock, so each one is atomic with its watch event.
/// </summary>
internal sealed partial class ResourceService
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private readonly ObjectStore _store;
    private readonly ResourceRegistry _registry;
    private readonly TimeProvider _time;
    private readonly WriteCounter _writes;
    private readonly FaultInjector _faults;
    private readonly ILogger _logger;
    private int _nextClusterIp = 1;
    private int _nextNodePort;
    private readonly ListSnapshots _snapshots = new();

    public ResourceService(ObjectStore store, ResourceRegistry registry, TimeProvider time, WriteCounter writes, FaultInjector faults, ILogger logger)
    {
        _store = store;
        _registry = registry;
        _time = time;
        _writes = writes;
        _faults = faults;
        _logger = logger;
    }

    public ObjectStore Store => _store;

    public ResourceRegistry Registry => _registry;

    public DateTimeOffset Now => _time.GetUtcNow();

    private string Timestamp() => JsonHelpers.FormatTimestamp(_time.GetUtcNow());

    /// <summary>Creates the namespaces every cluster has.</summary>
    public void Bootstrap()
    {
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Create(BuiltInResources.Namespaces, null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, WriteOptions.Default, count: false);
        }
    }

    /// <summary>A copy of the object as the requested version presents it.</summary>
    public static JsonObject Present(ResourceType type, JsonObject stored)
    {
        var copy = type.StoredForm is { } form ? form.FromStorage(stored) : (JsonObject)stored.DeepClone();
        copy.Remove("apiVersion");
        copy.Remove("kind");
        copy.Insert(0, "kind", type.Kind);
        copy.Insert(0, "apiVersion", type.ApiVersion);
        return copy;
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_store.Gate)
        {
            return Present(type, Existing(type, ns, name).Object);
        }
    }

    /// <summary>
    /// A list with selectors. With a limit, the first page takes a snapshot of the whole result and the continue token
    /// resumes it (see <see cref="ListSnapshots"/>); remainingItemCount is set when no selector filters the list.
    /// </summary>
    public ListPage List(ResourceType type, string? ns, ListOptions options)
    {
        var labels = LabelSelector.Parse(options.LabelSelector);
        var fields = FieldSelector.Parse(options.FieldSelector, type.StorageKey);
        var filtered = !string.IsNullOrEmpty(options.LabelSelector) || !string.IsNullOrEmpty(options.FieldSelector);
        lock (_store.Gate)
        {
            List<JsonObject> all;
            long rv;
            var start = 0;
            long? snapshotId = null;
            if (!string.IsNullOrEmpty(options.Continue))
            {
                var (tokenRv, id, offset) = DecodeContinue(options.Continue);
                var snapshot = _snapshots.Get(id);
                if (snapshot is null || snapshot.ResourceVersion != tokenRv)
                {
                    throw ApiException.Gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
                }

                (all, rv, start, snapshotId) = (snapshot.Items, snapshot.ResourceVersion, offset, id);
            }
            else
            {
                rv = _store.ResourceVersion;
                IEnumerable<StoredObject> candidates = fields.ExactName is { } exact && (ns is not null || !type.Namespaced)
                    ? _store.Get(type.StorageKey, new ObjectKey(ns ?? "", exact)) is { } one ? [one] : []
                    : _store.Enumerate(type.StorageKey, type.Namespaced ? ns : null, null);
                all = candidates.Where(c => labels.Matches(c.Object.Labels()) && fields.Matches(c.Object)).Select(c => c.Object).ToList();
            }

            var count = options.Limit > 0 ? (int)Math.Min(options.Limit, all.Count - start) : all.Count - start;
            var items = all.GetRange(start, Math.Max(0, count));
            var next = start + items.Count;
            string? token = null;
            long? remaining = null;
            if (options.Limit > 0 && next < all.Count)
            {
                snapshotId ??= _snapshots.Add(rv, all);
                token = EncodeContinue(rv, snapshotId.Value, next);
                remaining = filtered ? null : all.Count - next;
            }

            return new ListPage(items, rv.ToString(CultureInfo.InvariantCulture), token, remaining);
        }
    }

    public WriteResult Create(ResourceType type, string? ns, JsonObject body, WriteOptions options, bool count = true, bool applied = false)
    {
        lock (_store.Gate)
        {
            if (count && !options.DryRun)
            {
                FailIfFaulted(type, body.Name() ?? "");
            }

            var obj = (JsonObject)body.DeepClone();
            CheckKind(type, obj);
            obj = ToStorage(type, obj, null);
            var meta = obj.Metadata();
            var name = obj.Name();
            if (string.IsNullOrEmpty(name))
            {
                var prefix = meta.GetString("generateName");
                if (string.IsNullOrEmpty(prefix))
                {
                    throw Invalid(type, "", [new StatusCause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")]);
                }

                name = GenerateName(type, ns, prefix);
                meta["name"] = name;
            }

            CheckNamespace(type, ns, obj);
            if (meta.GetString("resourceVersion") is { Length: > 0 })
            {
                throw ApiException.BadRequest("resourceVersion should not be set on objects to be created");
            }

            if (_store.Get(type.StorageKey, new ObjectKey(ns ?? "", name)) is not null)
            {
                throw ApiException.AlreadyExists(type.QualifiedResource, name, type.Group, type.Plural);
            }

            if (type.Namespaced)
            {
                RequireActiveNamespace(ns!);
            }

            if (type.HasStatus)
            {
                obj.Remove("status");
            }

            var now = Timestamp();
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = now;
            if (type.TracksGeneration)
            {
                meta["generation"] = 1;
            }
            else
            {
                meta.Remove("generation");
            }
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            meta.Remove("selfLink");
            Admit(type, obj, old: null, options);
            if (!applied)
            {
                RecordUpdate(type, null, obj, options, managedSubresource: null);
            }

            if (type.StorageKey == BuiltInResources.CustomResourceDefinitions.StorageKey)
            {
                obj["status"] = CrdDefinition.AcceptedStatus(obj, now);
            }

            if (options.DryRun)
            {
                return new WriteResult(201, Present(type, obj));
            }

            var stored = _store.Put(type.StorageKey, obj, Watch.WatchEvent.Added);
            if (count)
            {
                _writes.Record(type.StorageKey, ns ?? "", name, WriteKind.Create);
            }

            AfterWrite(type, stored.Object);
            Log.Created(_logger, type.QualifiedResource, stored.Key.ToString(), stored.ResourceVersion);
            CollectIfOwnersAbsent(stored);
            return new WriteResult(201, Present(type, stored.Object));
        }
    }

    public WriteResult Update(ResourceType type, string? ns, string name, JsonObject body, Subresource subresource, WriteOptions options)
    {
        lock (_store.Gate)
        {
            if (!options.DryRun)
            {
                FailIfFaulted(type, name);
            }

            var existing = Existing(type, ns, name);
            var candidate = (JsonObject)body.DeepClone();
            CheckKind(type, candidate);
            if (candidate.Name() is { } bodyName && bodyName != name)
            {
                throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            candidate.Metadata()["name"] = name;
            candidate = ToStorage(type, candidate, existing.Object);
            CheckNamespace(type, ns, candidate);
            if (candidate.ResourceVersion() is { Length: > 0 } rv && rv != existing.Object.ResourceVersion())
            {
                throw ApiException.StaleResourceVersion(type.QualifiedResource, name, type.Group, type.Plural);
            }

            var kind = subresource == Subresource.Status ? WriteKind.StatusUpdate : WriteKind.Update;
            return Commit(type, existing, candidate, subresource, options, kind);
        }
    }

    /// <summary>
    /// Turns a candidate new version into the stored one: server-owned metadata kept, status or
    /// everything-but-status kept depending on the subresource, admission, generation, finalizer
    /// rules, and no write at all when nothing changed.
    /// </summary>
    private WriteResult Commit(ResourceType type, StoredObject existing, JsonObject candidate, Subresource subresource, WriteOptions options, WriteKind kind, bool applied = false, string? managedSubresource = null)
    {
        var old = existing.Object;
        JsonObject next;
        if (subresource == Subresource.Status)
        {
            next = (JsonObject)old.DeepClone();
            if (candidate.TryGetPropertyValue("status", out var newStatus))
            {
                next["status"] = newStatus?.DeepClone();
            }
            else
            {
                next.Remove("status");
            }
        }
        else
        {
            next = candidate;
            if (type.HasStatus)
            {
                next.Remove("status");
                if (old.TryGetPropertyValue("status", out var oldStatus))
                {
                    next["status"] = oldStatus?.DeepClone();
                }
            }
        }

        var meta = next.Metadata();
        var oldMeta = old.GetObject("metadata")!;
        foreach (var field in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name" })
        {
            if (oldMeta.TryGetPropertyValue(field, out var v))
            {
                meta[field] = v?.DeepClone();
            }
            else
            {
                meta.Remove(field);
            }
        }

        if (!meta.ContainsKey("managedFields") && oldMeta.TryGetPropertyValue("managedFields", out var managed))
        {
            meta["managedFields"] = managed?.DeepClone();
        }

        meta["resourceVersion"] = old.ResourceVersion();
        Admit(type, next, old, options);
        if (!applied)
        {
            RecordUpdate(type, old, next, options, managedSubresource ?? (subresource == Subresource.Status ? "status" : null));
        }

        if (old.DeletionTimestamp() is not null)
        {
            var added = next.Finalizers().Except(old.Finalizers()).ToList();
            if (added.Count > 0)
            {
                throw Invalid(type, existing.Key.Name, [new StatusCause("FieldValueForbidden", $"Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers {string.Join(", ", added.Select(a => $"\"{a}\""))}", "metadata.finalizers")]);
            }
        }

        if (type.TracksGeneration)
        {
            var oldGeneration = oldMeta.GetInt64("generation") ?? 1;
            meta["generation"] = SpecChanged(type, old, next) ? oldGeneration + 1 : oldGeneration;
        }
        else
        {
            meta.Remove("generation");
        }
        if (type.StorageKey == BuiltInResources.CustomResourceDefinitions.StorageKey && subresource != Subresource.Status)
        {
            next["status"] = CrdDefinition.AcceptedStatus(next, old.GetObject("status")?.GetArray("conditions")?.OfType<JsonObject>().FirstOrDefault()?.GetString("lastTransitionTime") ?? Timestamp());
        }

        const int status = 200;
        if (options.DryRun)
        {
            return new WriteResult(status, Present(type, next));
        }

        _writes.Record(type.StorageKey, existing.Key.Namespace, existing.Key.Name, kind);
        if (Unchanged(old, next))
        {
            return new WriteResult(status, Present(type, old));
        }

        if (next.DeletionTimestamp() is not null && next.Finalizers().Count == 0)
        {
            // The last finalizer is gone: the object goes away now.
            var removed = RemoveNow(type, existing.Key, next);
            return new WriteResult(status, Present(type, removed ?? next));
        }

        var stored = _store.Put(type.StorageKey, next, Watch.WatchEvent.Modified);
        AfterWrite(type, stored.Object);
        Log.Updated(_logger, type.QualifiedResource, stored.Key.ToString(), stored.ResourceVersion);
        CollectIfOwnersAbsent(stored);
        return new WriteResult(status, Present(type, stored.Object));
    }

    /// <summary>Defaults, pruning, strict field checks and validation of a new version.</summary>
    private void Admit(ResourceType type, JsonObject obj, JsonObject? old, WriteOptions options)
    {
        var causes = new List<StatusCause>();
        if (old is not null && type.StorageKey == "services")
        {
            causes.AddRange(KeepAllocations(old, obj));
        }

        var notQuantities = BuiltInDefaults.Apply(type.StorageKey, obj, creating: old is null, AllocateClusterIp, AllocateNodePort);
        if (notQuantities.Count > 0)
        {
            throw ApiException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {Kubernetes.Models.QuantityRules.Message}");
        }

        OmitEmpty.Apply(obj, typedBody: !type.IsCustom && type.StorageKey is not ("httproutes.gateway.networking.k8s.io" or "customresourcedefinitions.apiextensions.k8s.io"));
        var patched = options.IsPatch && options.FieldValidation == "Strict" ? obj.ToJsonString(UnknownFields.PatchedJson) : null;
        UnknownFields.Report(type, UnknownFields.Prune(type, obj), options, patched);
        if (type.Schema is { } schema)
        {
            SchemaPruner.ApplyDefaults(obj, schema);
            causes.AddRange(SchemaValidator.Validate(obj, schema));
            causes.AddRange(ValidationRules.Validate(obj, old, schema));
        }

        causes.AddRange(BuiltInRules.Validate(type, obj));
        if (old is not null)
        {
            causes.AddRange(BuiltInRules.ValidateUpdate(type, old, obj));
        }

        if (causes.Count > 0)
        {
            throw Invalid(type, obj.Name() ?? "", causes);
        }
    }

    /// <summary>The writer's Update entry in managedFields (see <see cref="UpdateManagedFields"/>); a write with no manager records none.</summary>
    private void RecordUpdate(ResourceType type, JsonObject? old, JsonObject next, WriteOptions options, string? managedSubresource)
    {
        if (options.Manager is { Length: > 0 } manager)
        {
            UpdateManagedFields.Record(old, next, manager, type.ApiVersion, managedSubresource, Timestamp(), Strategies(type));
        }
    }

    /// <summary>Spec changes bump generation; metadata and status never do.</summary>
    private static bool SpecChanged(ResourceType type, JsonObject old, JsonObject next)
    {
        static IEnumerable<KeyValuePair<string, JsonNode?>> Relevant(JsonObject o) =>
            o.Where(p => p.Key is not ("metadata" or "status" or "apiVersion" or "kind"));

        var a = new JsonObject(Relevant(old).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        var b = new JsonObject(Relevant(next).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        _ = type;
        return !JsonHelpers.DeepEquals(a, b);
    }

    /// <summary>True when the new version equals the old one apart from managedFields timestamps.</summary>
    private static bool Unchanged(JsonObject old, JsonObject next)
    {
        var a = (JsonObject)old.DeepClone();
        var b = (JsonObject)next.DeepClone();
        a.Remove("apiVersion");
        b.Remove("apiVersion");
        StripManagedTimes(a);
        StripManagedTimes(b);
        return JsonHelpers.DeepEquals(a, b);

        static void StripManagedTimes(JsonObject o)
        {
            foreach (var entry in o.GetObject("metadata")?.GetArray("managedFields")?.OfType<JsonObject>() ?? [])
            {
                entry.Remove("time");
            }
        }
    }

    private void AfterWrite(ResourceType type, JsonObject stored)
    {
        if (type.StorageKey == BuiltInResources.CustomResourceDefinitions.StorageKey)
        {
            var served = CrdDefinition.ServedTypes(stored);
            _registry.SetCrd(stored.Name()!, served);
            Log.CrdServed(_logger, stored.Name()!, string.Join(",", served.Select(s => s.Version)));
        }
    }

    private StoredObject Existing(ResourceType type, string? ns, string name) =>
        _store.Get(type.StorageKey, new ObjectKey(ns ?? "", name))
        ?? throw ApiException.NotFound(type.QualifiedResource, name, type.Group, type.Plural);

    private void RequireActiveNamespace(string ns)
    {
        var nsObj = _store.Get(BuiltInResources.Namespaces.StorageKey, new ObjectKey("", ns))
            ?? throw ApiException.NotFound("namespaces", ns, "", "namespaces");
        if (nsObj.Object.DeletionTimestamp() is not null)
        {
            throw ApiException.Forbidden($"unable to create new content in namespace {ns} because it is being terminated", new StatusDetails(ns, "", "namespaces"));
        }
    }

    private void FailIfFaulted(ResourceType type, string name)
    {
        if (_faults.ShouldFailWrite(type.Plural))
        {
            throw ApiException.Conflict(type.QualifiedResource, name, type.Group, type.Plural, "injected conflict (fault injection); please retry");
        }
    }

    private static void CheckKind(ResourceType type, JsonObject obj)
    {
        var kind = obj.GetString("kind");
        var apiVersion = obj.GetString("apiVersion");
        if (kind is not null && kind != type.Kind)
        {
            throw ApiException.BadRequest($"the body has kind \"{kind}\" but this endpoint serves \"{type.Kind}\"");
        }

        if (apiVersion is not null && apiVersion != type.ApiVersion)
        {
            throw ApiException.BadRequest($"the body has apiVersion \"{apiVersion}\" but this endpoint serves \"{type.ApiVersion}\"");
        }

        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
    }

    /// <summary>
    /// The stored form of an object written through a resource that presents another's store (events.k8s.io/v1), after
    /// that resource's own rules; other objects pass unchanged. <paramref name="oldStored"/> is null on create.
    /// </summary>
    private static JsonObject ToStorage(ResourceType type, JsonObject external, JsonObject? oldStored)
    {
        if (type.StoredForm is not { } form)
        {
            return external;
        }

        var causes = form.Validate(external, oldStored is null ? null : form.FromStorage(oldStored));
        if (causes.Count > 0)
        {
            throw Invalid(type, external.Name() ?? "", causes);
        }

        return form.ToStorage(external);
    }

    private static void CheckNamespace(ResourceType type, string? ns, JsonObject obj)
    {
        var meta = obj.Metadata();
        var bodyNs = meta.GetString("namespace");
        if (type.Namespaced)
        {
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            {
                throw ApiException.BadRequest($"the namespace of the provided object ({bodyNs}) does not match the namespace sent on the request ({ns})");
            }

            meta["namespace"] = ns;
        }
        else
        {
            meta.Remove("namespace");
        }
    }

    private static ApiException Invalid(ResourceType type, string name, IReadOnlyList<StatusCause> causes) =>
        ApiException.Invalid(type.QualifiedKind, name, type.Group, causes);

    private string GenerateName(ResourceType type, string? ns, string prefix)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var suffix = string.Create(5, 0, (span, _) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)];
                }
            });
            var candidate = prefix + suffix;
            if (_store.Get(type.StorageKey, new ObjectKey(ns ?? "", candidate)) is null)
            {
                return candidate;
            }
        }

        throw ApiException.AlreadyExists(type.QualifiedResource, prefix, type.Group, type.Plural);
    }

    private string AllocateClusterIp()
    {
        var n = _nextClusterIp++;
        return $"10.96.{(n >> 8) & 0xff}.{n & 0xff}";
    }

    private int AllocateNodePort() => 30000 + (_nextNodePort++ % 2768);

    /// <summary>
    /// A Service update that leaves out what the registry allocated (cluster IPs, IP families, node ports) keeps the old
    /// values, as the real registry does; one that changes the cluster IP is refused: it may not change once set.
    /// </summary>
    private static List<StatusCause> KeepAllocations(JsonObject old, JsonObject next)
    {
        var causes = new List<StatusCause>();
        var oldSpec = old.GetObject("spec");
        var spec = next.GetOrAddObject("spec");
        var oldIp = oldSpec?.GetString("clusterIP");
        if (string.IsNullOrEmpty(oldIp) || spec.GetString("type") == "ExternalName")
        {
            return causes;
        }

        var newIp = spec.GetString("clusterIP");
        if (string.IsNullOrEmpty(newIp))
        {
            spec["clusterIP"] = oldIp;
            spec["clusterIPs"] = oldSpec!["clusterIPs"]?.DeepClone();
        }
        else if (newIp != oldIp)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: [\"{newIp}\"]: may not change once set", "spec.clusterIPs[0]"));
        }

        spec["ipFamilies"] ??= oldSpec!["ipFamilies"]?.DeepClone();
        spec["ipFamilyPolicy"] ??= oldSpec!["ipFamilyPolicy"]?.DeepClone();
        var oldPorts = oldSpec!.GetArray("ports")?.OfType<JsonObject>().ToList() ?? [];
        foreach (var port in spec.GetArray("ports")?.OfType<JsonObject>() ?? [])
        {
            var match = oldPorts.FirstOrDefault(p => JsonHelpers.ScalarText(p["port"]) == JsonHelpers.ScalarText(port["port"]) && (p.GetString("protocol") ?? "TCP") == (port.GetString("protocol") ?? "TCP"));
            if (match?["nodePort"] is { } nodePort && JsonHelpers.AsInt64(port["nodePort"]) is null or 0)
            {
                port["nodePort"] = nodePort.DeepClone();
            }
        }

        return causes;
    }

    private static string EncodeContinue(long rv, long snapshot, int offset)
    {
        var json = new JsonObject { ["rv"] = rv, ["snapshot"] = snapshot, ["offset"] = offset }.ToJsonString(JsonHelpers.Compact);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static (long Rv, long Snapshot, int Offset) DecodeContinue(string token)
    {
        try
        {
            var b64 = token.Replace('-', '+').Replace('_', '/');
            b64 += new string('=', (4 - (b64.Length % 4)) % 4);
            var obj = JsonHelpers.ParseObject(Convert.FromBase64String(b64));
            return (obj.GetInt64("rv") ?? throw new FormatException(), obj.GetInt64("snapshot") ?? throw new FormatException(), (int)(obj.GetInt64("offset") ?? throw new FormatException()));
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            throw ApiException.BadRequest($"the continue token \"{token}\" is not valid: pass the metadata.continue value of the previous page unchanged");
        }
    }
}
