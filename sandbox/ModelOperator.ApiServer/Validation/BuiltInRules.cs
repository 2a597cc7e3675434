using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Resources;
using ModelOperator.ApiServer.Selectors;

namespace ModelOperator.ApiServer.Validation;

/// <summary>The validation rules of built-in kinds that clients commonly trip over.</summary>
internal static class BuiltInRules
{
    public static List<StatusCause> Validate(ResourceType type, JsonObject obj)
    {
        var causes = new List<StatusCause>();
        var name = obj.Name() ?? "";
        var nameCause = type.IsCustom
            ? NameRules.PathSegment(name, "metadata.name")
            : type.StorageKey switch
            {
                "namespaces" => NameRules.Label(name, "metadata.name"),
                "services" => NameRules.Dns1035(name, "metadata.name"),
                _ => NameRules.Subdomain(name, "metadata.name"),
            };
        if (nameCause is not null)
        {
            causes.Add(nameCause);
        }

        causes.AddRange(NameRules.Labels(obj.Labels(), "metadata.labels"));
        switch (type.StorageKey)
        {
            case "deployments.apps":
                ValidateDeployment(obj, causes);
                break;
            case "pods":
                ValidatePodSpec(obj.GetObject("spec"), "spec", causes);
                break;
            case "services":
                ValidateServicePorts(obj.GetObject("spec")?.GetArray("ports"), causes);
                break;
            case "customresourcedefinitions.apiextensions.k8s.io":
                causes.AddRange(CrdDefinition.Validate(obj));
                break;
            case "persistentvolumeclaims":
                ValidateClaim(obj.GetObject("spec"), causes);
                break;
            case "resourcequotas":
                foreach (var (resource, value) in obj.GetObject("spec")?.GetObject("hard") ?? [])
                {
                    if ((JsonHelpers.ScalarText(value) ?? "").StartsWith('-'))
                    {
                        causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{JsonHelpers.ScalarText(value)}\": must be greater than or equal to 0", $"spec.hard[{resource}]"));
                    }
                }

                break;
            case "poddisruptionbudgets.policy":
                ValidateDisruptionBudget(obj.GetObject("spec"), causes);
                break;
        }

        return causes;
    }

    /// <summary>A claim asks for at least one access mode and a storage size.</summary>
    private static void ValidateClaim(JsonObject? spec, List<StatusCause> causes)
    {
        if (spec?.GetArray("accessModes") is not { Count: > 0 })
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value: at least 1 access mode is required", "spec.accessModes"));
        }

        if (spec?.GetObject("resources")?.GetObject("requests")?["storage"] is null)
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", "spec.resources[storage]"));
        }
    }

    /// <summary>minAvailable and maxUnavailable exclude each other; each is a count of at least 0 or a percentage up to 100%.</summary>
    private static void ValidateDisruptionBudget(JsonObject? spec, List<StatusCause> causes)
    {
        if (spec?["minAvailable"] is not null && spec["maxUnavailable"] is not null)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {spec.ToJsonString()}: minAvailable and maxUnavailable cannot be both set", "spec"));
        }

        foreach (var field in new[] { "minAvailable", "maxUnavailable" })
        {
            var value = spec?[field];
            var text = JsonHelpers.ScalarText(value);
            if (value is null || text is null)
            {
                continue;
            }

            var percent = text.EndsWith('%');
            if (!long.TryParse(percent ? text[..^1] : text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {JsonHelpers.Display(value)}: a valid percent string must be a numeric string followed by an ending '%'", $"spec.{field}"));
            }
            else if (n < 0)
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {JsonHelpers.Display(value)}: must be greater than or equal to 0", $"spec.{field}"));
            }
            else if (percent && n > 100)
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {JsonHelpers.Display(value)}: must not be greater than 100%", $"spec.{field}"));
            }
        }
    }

    /// <summary>The rules of an update that a create does not have: fields that may not change.</summary>
    public static List<StatusCause> ValidateUpdate(ResourceType type, JsonObject old, JsonObject obj)
    {
        var causes = new List<StatusCause>();
        switch (type.StorageKey)
        {
            case "deployments.apps":
                var oldSelector = old.GetObject("spec")?.GetObject("selector");
                var selector = obj.GetObject("spec")?.GetObject("selector");
                if (oldSelector is not null && !JsonHelpers.DeepEquals(oldSelector, selector))
                {
                    causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {selector?.ToJsonString() ?? "null"}: field is immutable", "spec.selector"));
                }

                break;
            case "configmaps" or "secrets" when old.GetBoolean("immutable") == true:
                const string Immutable = "Forbidden: field is immutable when `immutable` is set";
                if (obj.GetBoolean("immutable") != true)
                {
                    causes.Add(new StatusCause("FieldValueForbidden", Immutable, "immutable"));
                }

                foreach (var field in type.StorageKey == "configmaps" ? new[] { "data", "binaryData" } : ["data"])
                {
                    if (!JsonHelpers.DeepEquals(old[field] ?? new JsonObject(), obj[field] ?? new JsonObject()))
                    {
                        causes.Add(new StatusCause("FieldValueForbidden", Immutable, field));
                    }
                }

                break;
        }

        return causes;
    }

    /// <summary>Port names are required when there are several, and unique; numbers in range.</summary>
    private static void ValidateServicePorts(JsonArray? ports, List<StatusCause> causes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (ports?.Count ?? 0); i++)
        {
            var port = ports![i] as JsonObject;
            var name = port?.GetString("name");
            var path = $"spec.ports[{i}]";
            if (string.IsNullOrEmpty(name))
            {
                if (ports.Count > 1)
                {
                    causes.Add(new StatusCause("FieldValueRequired", "Required value", path + ".name"));
                }
            }
            else if (!names.Add(name))
            {
                causes.Add(new StatusCause("FieldValueDuplicate", $"Duplicate value: \"{name}\"", path + ".name"));
            }

            if (JsonHelpers.AsInt64(port?["port"]) is not { } number || number is < 1 or > 65535)
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {JsonHelpers.Display(port?["port"])}: must be between 1 and 65535, inclusive", path + ".port"));
            }
        }
    }

    private static void ValidateDeployment(JsonObject obj, List<StatusCause> causes)
    {
        var spec = obj.GetObject("spec");
        if (spec is null)
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", "spec"));
            return;
        }

        if (spec.GetInt64("replicas") is < 0 and var replicas)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {replicas}: must be greater than or equal to 0", "spec.replicas"));
        }

        var selector = spec.GetObject("selector");
        var templateLabels = spec.GetObject("template")?.GetObject("metadata")?.GetObject("labels");
        if (selector is null)
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", "spec.selector"));
        }
        else if (!SelectorMatches(selector, UnstructuredMetadata.StringMap(templateLabels)))
        {
            var shown = string.Join(",", UnstructuredMetadata.StringMap(templateLabels).Select(kv => $"{kv.Key}={kv.Value}"));
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{shown}\": `selector` does not match template `labels`", "spec.template.metadata.labels"));
        }

        ValidatePodSpec(spec.GetObject("template")?.GetObject("spec"), "spec.template.spec", causes);
    }

    private static void ValidatePodSpec(JsonObject? podSpec, string path, List<StatusCause> causes)
    {
        var containers = podSpec?.GetArray("containers");
        if (containers is null || containers.Count == 0)
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", path + ".containers"));
            return;
        }

        for (var i = 0; i < containers.Count; i++)
        {
            var c = containers[i] as JsonObject;
            if (string.IsNullOrEmpty(c?.GetString("name")))
            {
                causes.Add(new StatusCause("FieldValueRequired", "Required value", $"{path}.containers[{i}].name"));
            }

            if (string.IsNullOrEmpty(c?.GetString("image")))
            {
                causes.Add(new StatusCause("FieldValueRequired", "Required value", $"{path}.containers[{i}].image"));
            }
        }
    }

    /// <summary>Evaluates a metav1.LabelSelector (matchLabels and matchExpressions) against labels.</summary>
    public static bool SelectorMatches(JsonObject selector, IReadOnlyDictionary<string, string> labels) =>
        LabelSelector.Parse(SelectorText(selector)).Matches(labels);

    /// <summary>The string form of a metav1.LabelSelector, as the scale subresource reports it.</summary>
    public static string SelectorText(JsonObject selector)
    {
        var parts = new List<string>();
        foreach (var (key, value) in UnstructuredMetadata.StringMap(selector.GetObject("matchLabels")).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            parts.Add($"{key}={value}");
        }

        foreach (var expr in selector.GetArray("matchExpressions")?.OfType<JsonObject>() ?? [])
        {
            var key = expr.GetString("key") ?? "";
            var values = string.Join(",", expr.GetArray("values")?.Select(JsonHelpers.ScalarText) ?? []);
            parts.Add(expr.GetString("operator") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key,
                "DoesNotExist" => "!" + key,
                var op => throw ApiException.BadRequest($"unknown label selector operator \"{op}\"; allowed: In, NotIn, Exists, DoesNotExist"),
            });
        }

        return string.Join(",", parts);
    }
}
