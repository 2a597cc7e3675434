using System.Text.Json.Nodes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api.Schema;

/// <summary>
/// Schemas of the Kubernetes types embedded in the API (they live in the Models project and carry no schema
/// attributes). Written by hand after the upstream OpenAPI so that <c>kubectl explain</c> describes every field.
/// </summary>
internal static partial class KubernetesTypeSchemas
{
    // Bounds of the embedded types, used by their schemas here and by the operator's validator. Together with the
    // attributes on the API types they keep a whole spec.runtime well under the 256 KiB the API server allows for a
    // Deployment's annotations, where the operator records each revision's spec.

    /// <summary>The longest environment variable name.</summary>
    public const int EnvNameMaxLength = 256;

    /// <summary>The longest environment variable value.</summary>
    public const int EnvValueMaxLength = 2048;

    /// <summary>The longest name or key in an env valueFrom reference (a DNS subdomain or a ConfigMap/Secret key).</summary>
    public const int ReferenceMaxLength = 253;

    /// <summary>
    /// The longest env valueFrom as JSON text, checked by the validator (an object not validated by the API server could
    /// carry anything there); every valid reference, whose fields the schema bounds, is shorter.
    /// </summary>
    public const int ValueFromMaxLength = 1024;

    /// <summary>The longest toleration key (a label key: 253-character prefix, '/', 63-character name).</summary>
    public const int TolerationKeyMaxLength = 317;

    /// <summary>The longest toleration value (a label value).</summary>
    public const int TolerationValueMaxLength = 63;

    /// <summary>The most resources named in requests or in limits.</summary>
    public const int MaxResources = 16;

    /// <summary>The longest resource name (e.g. <c>nvidia.com/gpu</c>) and the longest quantity text.</summary>
    public const int ResourceNameMaxLength = 317;

    /// <inheritdoc cref="ResourceNameMaxLength"/>
    public const int QuantityMaxLength = 64;

    /// <summary>A Kubernetes quantity such as <c>500m</c>, <c>2</c>, <c>1Gi</c> or <c>1e3</c> (the upstream pattern).</summary>
    public const string QuantityPattern = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

    /// <summary>metav1.Condition's reason pattern.</summary>
    public const string ConditionReasonPattern = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";

    private const string ConditionTypePattern =
        "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$";

    /// <summary>The schema for <paramref name="type"/> if it is one of the embedded Kubernetes types, without a top-level description.</summary>
    public static JsonObject? For(Type type)
    {
        if (type == typeof(ResourceRequirements))
        {
            return Object(
                ("limits", Quantities("The most of each resource the container may use, e.g. cpu: \"1\", memory: 2Gi.")),
                ("requests", Quantities("The resources reserved for the container when it is scheduled, e.g. cpu: 500m, memory: 1Gi.")));
        }

        if (type == typeof(EnvVar))
        {
            var valueFrom = Object(
                ("configMapKeyRef", KeyReference("A key of a ConfigMap in the same namespace.")),
                ("secretKeyRef", KeyReference("A key of a Secret in the same namespace.")),
                ("fieldRef", Described("A field of the pod.", Object(
                    ("apiVersion", String("The version of the schema fieldPath is written in, e.g. v1.", maxLength: ReferenceMaxLength)),
                    ("fieldPath", String("The pod field to read, e.g. metadata.name or status.podIP.", minLength: 1, maxLength: ReferenceMaxLength))))),
                ("resourceFieldRef", Described("A resource request or limit of a container.", Object(
                    ("containerName", String("The container whose resource is read; empty for this one.", maxLength: 63)),
                    ("resource", String("The resource to read, e.g. limits.memory.", minLength: 1, maxLength: ResourceNameMaxLength)),
                    ("divisor", String("The unit the value is given in, as a quantity (e.g. 1Mi).", maxLength: QuantityMaxLength, pattern: QuantityPattern))))));
            valueFrom["description"] = "Where the value comes from instead: secretKeyRef, configMapKeyRef, fieldRef or resourceFieldRef, as in a Pod's container env.";
            var env = Object(
                ("name", String("The variable name.", minLength: 1, maxLength: EnvNameMaxLength)),
                ("value", String("The value. Ignored when valueFrom is set.", maxLength: EnvValueMaxLength)),
                ("valueFrom", valueFrom));
            env["required"] = new JsonArray("name");
            return env;
        }

        if (type == typeof(Toleration))
        {
            return Object(
                ("key", String("The taint key the toleration applies to; empty with operator Exists matches every taint.", maxLength: TolerationKeyMaxLength)),
                ("operator", Enum("How key and value are compared: Equal (the default) or Exists (any value).", "Equal", "Exists")),
                ("value", String("The taint value to match when operator is Equal.", maxLength: TolerationValueMaxLength)),
                ("effect", Enum("The taint effect to match; empty matches every effect.", "", "NoSchedule", "PreferNoSchedule", "NoExecute")),
                ("tolerationSeconds", new JsonObject
                {
                    ["description"] = "With effect NoExecute, how long the pod stays bound after the taint appears; unset means forever.",
                    ["type"] = "integer",
                    ["format"] = "int64",
                }));
        }

        if (type == typeof(Condition))
        {
            var condition = Object(
                ("type", String("The condition type in CamelCase or foo.example.com/CamelCase.", maxLength: 316, pattern: ConditionTypePattern)),
                ("status", Enum("The status of the condition: True, False or Unknown.", "True", "False", "Unknown")),
                ("observedGeneration", new JsonObject
                {
                    ["description"] = "The .metadata.generation the condition was set from.",
                    ["type"] = "integer",
                    ["format"] = "int64",
                    ["minimum"] = 0,
                }),
                ("lastTransitionTime", new JsonObject
                {
                    ["description"] = "The last time the condition changed from one status to another.",
                    ["type"] = "string",
                    ["format"] = "date-time",
                }),
                ("reason", String("A programmatic identifier for the last transition, in CamelCase.", minLength: 1, maxLength: 1024, pattern: ConditionReasonPattern)),
                ("message", String("A human-readable message with details about the transition; may be empty.", maxLength: 32768)));
            condition["required"] = new JsonArray("type", "status", "lastTransitionTime", "reason", "message");
            return condition;
        }

        if (PlacementSchema(type) is { } placement)
        {
            return placement;
        }

        if (type == typeof(ObjectMeta))
        {
            return new JsonObject { ["type"] = "object" };
        }

        return null;
    }

    private static JsonObject Object(params (string Name, JsonObject Schema)[] properties)
    {
        var props = new JsonObject();
        foreach (var (name, schema) in properties)
        {
            props[name] = schema;
        }

        return new JsonObject { ["type"] = "object", ["properties"] = props };
    }

    private static JsonObject Quantities(string description) => new()
    {
        ["description"] = description,
        ["type"] = "object",
        ["maxProperties"] = MaxResources,
        ["additionalProperties"] = new JsonObject
        {
            ["description"] = "A quantity written as a string, e.g. \"500m\", \"2\" or \"1Gi\".",
            ["type"] = "string",
            ["maxLength"] = QuantityMaxLength,
            ["pattern"] = QuantityPattern,
        },
        ["x-kubernetes-validations"] = new JsonArray(new JsonObject
        {
            ["rule"] = $"self.all(k, size(k) >= 1 && size(k) <= {ResourceNameMaxLength})",
            ["message"] = $"resource names must have 1 to {ResourceNameMaxLength} characters",
        }),
    };

    private static JsonObject Described(string description, JsonObject schema)
    {
        schema["description"] = description;
        return schema;
    }

    private static JsonObject KeyReference(string description)
    {
        var reference = Object(
            ("name", String("The name of the object.", maxLength: ReferenceMaxLength)),
            ("key", String("The key to read.", minLength: 1, maxLength: ReferenceMaxLength)),
            ("optional", new JsonObject { ["description"] = "Whether the container may start without it.", ["type"] = "boolean" }));
        reference["description"] = description;
        reference["required"] = new JsonArray("key");
        return reference;
    }

    private static JsonObject String(string description, int? minLength = null, int? maxLength = null, string? pattern = null)
    {
        var schema = new JsonObject { ["description"] = description, ["type"] = "string" };
        if (minLength is { } min)
        {
            schema["minLength"] = min;
        }

        if (maxLength is { } max)
        {
            schema["maxLength"] = max;
        }

        if (pattern is not null)
        {
            schema["pattern"] = pattern;
        }

        return schema;
    }

    private static JsonObject Enum(string description, params string[] values)
    {
        var list = new JsonArray();
        foreach (var v in values)
        {
            list.Add(v);
        }

        return new JsonObject { ["description"] = description, ["type"] = "string", ["enum"] = list };
    }
}
