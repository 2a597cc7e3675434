using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Api;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Resources;

namespace ModelOperator.ApiServer.Validation;

/// <summary>
/// Field validation as kube-apiserver's decoders do it: fields the kind does not declare are dropped (metadata for every
/// kind, the schema's for a custom resource, the top-level fields of the built-in kinds listed here), and together with
/// duplicate keys they are refused under <c>fieldValidation=Strict</c> (400, "strict decoding error"), sent back as
/// <c>Warning</c> headers under <c>Warn</c> (the default) and ignored under <c>Ignore</c>.
/// </summary>
internal static class UnknownFields
{
    private static readonly HashSet<string> ObjectMeta =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
        "managedFields",
    ];

    /// <summary>Top-level fields of the built-in kinds (besides apiVersion, kind and metadata), by qualified resource.</summary>
    private static readonly Dictionary<string, HashSet<string>> TopLevel = new(StringComparer.Ordinal)
    {
        ["namespaces"] = ["spec", "status"],
        ["pods"] = ["spec", "status"],
        ["services"] = ["spec", "status"],
        ["endpoints"] = ["subsets"],
        ["events"] =
        [
            "involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime",
            "series", "action", "related", "reportingComponent", "reportingInstance",
        ],
        ["configmaps"] = ["data", "binaryData", "immutable"],
        ["secrets"] = ["data", "stringData", "type", "immutable"],
        ["serviceaccounts"] = ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
        ["persistentvolumeclaims"] = ["spec", "status"],
        ["resourcequotas"] = ["spec", "status"],
        ["limitranges"] = ["spec"],
        ["deployments.apps"] = ["spec", "status"],
        ["horizontalpodautoscalers.autoscaling"] = ["spec", "status"],
        ["poddisruptionbudgets.policy"] = ["spec", "status"],
        ["leases.coordination.k8s.io"] = ["spec"],
        ["httproutes.gateway.networking.k8s.io"] = ["spec", "status"],
        ["roles.rbac.authorization.k8s.io"] = ["rules"],
        ["clusterroles.rbac.authorization.k8s.io"] = ["rules", "aggregationRule"],
        ["rolebindings.rbac.authorization.k8s.io"] = ["subjects", "roleRef"],
        ["clusterrolebindings.rbac.authorization.k8s.io"] = ["subjects", "roleRef"],
        ["customresourcedefinitions.apiextensions.k8s.io"] = ["spec", "status"],
    };

    /// <summary>How a patched object is quoted in a strict patch's 422: compact, and without HTML-safe escapes.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions PatchedJson = new()
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Removes the fields <paramref name="type"/> does not declare from <paramref name="obj"/> and returns their paths.</summary>
    public static List<string> Prune(ResourceType type, JsonObject obj)
    {
        var unknown = new List<string>();
        if (obj["metadata"] is JsonObject meta)
        {
            foreach (var key in meta.Select(p => p.Key).Where(k => !ObjectMeta.Contains(k)).ToList())
            {
                unknown.Add("metadata." + key);
                meta.Remove(key);
            }
        }

        if (type.Schema is { } schema)
        {
            unknown.AddRange(SchemaPruner.Prune(obj, schema));
        }
        else if (TopLevel.TryGetValue(type.QualifiedResource, out var fields))
        {
            foreach (var key in obj.Select(p => p.Key).Where(k => k is not ("apiVersion" or "kind" or "metadata") && !fields.Contains(k)).ToList())
            {
                unknown.Add(key);
                obj.Remove(key);
            }
        }

        return unknown;
    }

    /// <summary>
    /// Refuses (Strict), records as warnings (Warn) or lets pass (Ignore) the body's duplicate keys and its
    /// <paramref name="unknown"/> fields, duplicates first, worded as kube-apiserver words them.
    /// </summary>
    /// <param name="patchedJson">The patched object as JSON when the write is a patch: a strict failure is then 422 on <c>patch</c>.</param>
    public static void Report(ResourceType type, IReadOnlyList<string> unknown, WriteOptions options, string? patchedJson = null)
    {
        if (options.FieldValidation == "Ignore")
        {
            return;
        }

        var problems = options.DuplicateFields.Select(d => $"duplicate field \"{d}\"")
            .Concat(unknown.Select(u => $"unknown field \"{u}\""))
            .ToList();
        if (problems.Count == 0)
        {
            return;
        }

        if (options.FieldValidation == "Strict" && patchedJson is not null)
        {
            var cause = new StatusCause("FieldValueInvalid", $"Invalid value: {JsonHelpers.GoQuote(patchedJson)}: strict decoding error: {string.Join(", ", problems)}", "patch");
            throw ApiException.Invalid("", "", "", [cause]);
        }

        if (options.FieldValidation == "Strict")
        {
            throw ApiException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", problems)}");
        }

        options.Warnings?.AddRange(problems);
    }
}
