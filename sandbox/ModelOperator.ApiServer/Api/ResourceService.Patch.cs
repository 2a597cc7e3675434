using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Patch;
using ModelOperator.ApiServer.Resources;
using ModelOperator.ApiServer.Storage;
using ModelOperator.ApiServer.Validation;
using ModelOperator.ApiServer.Writes;

namespace ModelOperator.ApiServer.Api;

/// <summary>PATCH in its four media types (JSON, merge, strategic merge, apply), and the scale subresource.</summary>
internal sealed partial class ResourceService
{
    public const string JsonPatchType = "application/json-patch+json";
    public const string MergePatchType = "application/merge-patch+json";
    public const string StrategicPatchType = "application/strategic-merge-patch+json";
    public const string ApplyPatchType = "application/apply-patch+yaml";

    private static readonly string[] BuiltInPatchTypes = [JsonPatchType, MergePatchType, StrategicPatchType, ApplyPatchType];
    private static readonly string[] CustomPatchTypes = [JsonPatchType, MergePatchType, ApplyPatchType];

    public WriteResult Patch(ResourceType type, string? ns, string name, string? contentType, byte[] body, Subresource subresource, WriteOptions options)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        var supported = type.IsCustom ? CustomPatchTypes : BuiltInPatchTypes;
        if (!supported.Contains(mediaType))
        {
            throw ApiException.UnsupportedMediaType(supported);
        }

        lock (_store.Gate)
        {
            if (mediaType == ApplyPatchType)
            {
                return Apply(type, ns, name, body, subresource, options);
            }

            if (!options.DryRun)
            {
                FailIfFaulted(type, name);
            }

            var existing = Existing(type, ns, name);
            var duplicates = new List<string>();
            var patched = ApplyPatch(mediaType, Present(type, existing.Object), ParsePatch(body, duplicates), Strategies(type));
            if (patched.ResourceVersion() is { Length: > 0 } rv && rv != existing.Object.ResourceVersion())
            {
                throw ApiException.StaleResourceVersion(type.QualifiedResource, name, type.Group, type.Plural);
            }

            if (patched.Name() != name)
            {
                throw ApiException.BadRequest($"the patch changes metadata.name to \"{patched.Name()}\"; the name of an object cannot be changed");
            }

            CheckKind(type, patched);
            var kind = subresource == Subresource.Status ? WriteKind.StatusPatch : WriteKind.Patch;
            // Keys a merge patch repeats are field validation's to report; a JSON patch's repeated keys name operations, not fields.
            var validated = options with { IsPatch = true, DuplicateFields = mediaType == JsonPatchType ? [] : duplicates };
            return Commit(type, existing, ToStorage(type, patched, existing.Object), subresource, validated, kind);
        }
    }

    private WriteResult Apply(ResourceType type, string? ns, string name, byte[] body, Subresource subresource, WriteOptions options)
    {
        if (string.IsNullOrEmpty(options.FieldManager))
        {
            throw ApiException.BadRequest("PATCH requests with the apply content type (application/apply-patch+yaml) must set the fieldManager query parameter");
        }

        JsonNode? parsed;
        try
        {
            parsed = YamlJson.Parse(body);
        }
        catch (PatchException ex)
        {
            throw ApiException.BadRequest(ex.Message);
        }

        if (parsed is not JsonObject config)
        {
            throw ApiException.BadRequest("the apply configuration must be an object with apiVersion, kind and metadata.name");
        }

        if (config.GetString("apiVersion") is null || config.GetString("kind") is null)
        {
            throw ApiException.BadRequest("the apply configuration must set apiVersion and kind");
        }

        CheckKind(type, config);
        if (config.Name() is { } configName && configName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({configName}) does not match the name on the URL ({name})");
        }

        config.Metadata()["name"] = name;
        if (!options.DryRun)
        {
            FailIfFaulted(type, name);
        }

        var existing = _store.Get(type.StorageKey, new ObjectKey(ns ?? "", name));
        var strategies = Strategies(type);
        if (existing is null)
        {
            if (subresource != Subresource.None)
            {
                throw ApiException.NotFound(type.QualifiedResource, name, type.Group, type.Plural);
            }

            var created = ServerSideApply.Apply(null, config, options.FieldManager, type.ApiVersion, Timestamp(), strategies, options.Force, _ => { });
            var result = Create(type, ns, created, options, count: false, applied: true);
            if (!options.DryRun)
            {
                _writes.Record(type.StorageKey, ns ?? "", name, WriteKind.Apply);
            }

            return result;
        }

        if (config.ResourceVersion() is { Length: > 0 } rv && rv != existing.Object.ResourceVersion())
        {
            throw ApiException.StaleResourceVersion(type.QualifiedResource, name, type.Group, type.Plural);
        }

        var merged = ServerSideApply.Apply(Present(type, existing.Object), config, options.FieldManager, type.ApiVersion, Timestamp(), strategies, options.Force,
            conflicts => throw ApiException.ApplyConflict(ApplyConflicts.Message(conflicts), name, type.Group, type.Plural, conflicts.Select(c => new StatusCause("FieldManagerConflict", ApplyConflicts.CauseMessage(c), c.Field)).ToList()));
        merged.Metadata()["resourceVersion"] = existing.Object.ResourceVersion();
        return Commit(type, existing, ToStorage(type, merged, existing.Object), subresource, options, subresource == Subresource.Status ? WriteKind.StatusPatch : WriteKind.Apply, applied: true);
    }

    public JsonObject GetScale(ResourceType type, string? ns, string name)
    {
        lock (_store.Gate)
        {
            return ScaleOf(type, Existing(type, ns, name).Object);
        }
    }

    public JsonObject UpdateScale(ResourceType type, string? ns, string name, JsonObject scale, WriteOptions options, WriteKind kind = WriteKind.Update)
    {
        lock (_store.Gate)
        {
            if (!options.DryRun)
            {
                FailIfFaulted(type, name);
            }

            var existing = Existing(type, ns, name);
            var replicasNode = JsonHelpers.AtPath(scale, "spec.replicas");
            var replicas = JsonHelpers.AsInt64(replicasNode);
            if (replicas is null or < 0)
            {
                throw ApiException.Invalid("Scale.autoscaling", name, "autoscaling",
                    [new StatusCause("FieldValueInvalid", $"Invalid value: {JsonHelpers.Display(replicasNode)}: must be an integer greater than or equal to 0", "spec.replicas")]);
            }

            if (scale.ResourceVersion() is { Length: > 0 } rv && rv != existing.Object.ResourceVersion())
            {
                throw ApiException.StaleResourceVersion(type.QualifiedResource, name, type.Group, type.Plural);
            }

            var next = Present(type, existing.Object);
            JsonHelpers.SetPath(next, type.Scale!.SpecReplicasPath, replicas.Value);
            var result = Commit(type, existing, next, Subresource.None, options, kind, managedSubresource: "scale");
            return ScaleOf(type, result.Object);
        }
    }

    public JsonObject PatchScale(ResourceType type, string? ns, string name, string? contentType, byte[] body, WriteOptions options)
    {
        var mediaType = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not (JsonPatchType or MergePatchType or StrategicPatchType))
        {
            throw ApiException.UnsupportedMediaType([JsonPatchType, MergePatchType, StrategicPatchType]);
        }

        lock (_store.Gate)
        {
            var scale = ScaleOf(type, Existing(type, ns, name).Object);
            var patched = ApplyPatch(mediaType, scale, ParsePatch(body, []), BuiltInListStrategies.Resolve);
            return UpdateScale(type, ns, name, patched, options, WriteKind.Patch);
        }
    }

    private static JsonObject ScaleOf(ResourceType type, JsonObject obj)
    {
        var scale = type.Scale ?? throw ApiException.NoRoute();
        var selectorNode = scale.LabelSelectorPath is { } p ? JsonHelpers.AtPath(obj, p) : null;
        var selector = selectorNode switch
        {
            JsonObject s => BuiltInRules.SelectorText(s),
            null => "",
            _ => JsonHelpers.ScalarText(selectorNode) ?? "",
        };
        var meta = obj.GetObject("metadata")!;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = meta.GetString("name"),
                ["namespace"] = meta.GetString("namespace"),
                ["uid"] = meta.GetString("uid"),
                ["resourceVersion"] = meta.GetString("resourceVersion"),
                ["creationTimestamp"] = meta.GetString("creationTimestamp"),
            },
            ["spec"] = new JsonObject { ["replicas"] = JsonHelpers.AsInt64(JsonHelpers.AtPath(obj, scale.SpecReplicasPath)) ?? 0 },
            ["status"] = new JsonObject
            {
                ["replicas"] = JsonHelpers.AsInt64(JsonHelpers.AtPath(obj, scale.StatusReplicasPath)) ?? 0,
                ["selector"] = selector,
            },
        };
    }

    private static JsonNode? ParsePatch(byte[] body, List<string> duplicates)
    {
        try
        {
            return DuplicateKeyJson.Parse(body, duplicates);
        }
        catch (JsonException ex)
        {
            throw ApiException.BadRequest($"the patch is not valid JSON: {ex.Message}");
        }
    }

    private static JsonObject ApplyPatch(string mediaType, JsonObject target, JsonNode? patch, ListStrategyResolver strategies)
    {
        try
        {
            return mediaType switch
            {
                JsonPatchType => JsonPatch.Apply(target, patch),
                MergePatchType => patch is JsonObject
                    ? (JsonObject)JsonMergePatch.Apply(target, patch)!
                    : throw new PatchException("a merge patch must be a JSON object", malformed: true),
                _ => StrategicMergePatch.Apply(target, patch, strategies),
            };
        }
        catch (PatchException ex)
        {
            throw ex.Malformed
                ? ApiException.BadRequest(ex.Message)
                : mediaType == JsonPatchType ? ApiException.PatchNotApplicable() : new ApiException(422, "Invalid", $"the patch cannot be applied: {ex.Message}");
        }
    }

    private static ListStrategyResolver Strategies(ResourceType type) =>
        type.IsCustom ? SchemaListStrategies.For(type.Schema) : BuiltInListStrategies.Resolve;

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
