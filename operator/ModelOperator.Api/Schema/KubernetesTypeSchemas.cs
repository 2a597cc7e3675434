using System.Text.Json.Nodes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api.Schema;

/// <summary>
/// Schemas of the Kubernetes types embedded in the API (they live in the Models project and carry no schema
/// attributes). Written by hand after the upstream OpenAPI so that <c>kubectl explain</c> describes every field.
/// </summary>
internal static class KubernetesTypeSchemas
{
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
            var env = Object(
                ("name", String("The variable name.", minLength: 1)),
                ("value", String("The value. Ignored when valueFrom is set.")),
                ("valueFrom", new JsonObject
                {
                    ["description"] = "Where the value comes from instead: secretKeyRef, configMapKeyRef, fieldRef or resourceFieldRef, as in a Pod's container env.",
                    ["type"] = "object",
                    ["x-kubernetes-preserve-unknown-fields"] = true,
                }));
            env["required"] = new JsonArray("name");
            return env;
        }

        if (type == typeof(Toleration))
        {
            return Object(
                ("key", String("The taint key the toleration applies to; empty with operator Exists matches every taint.")),
                ("operator", Enum("How key and value are compared: Equal (the default) or Exists (any value).", "Equal", "Exists")),
                ("value", String("The taint value to match when operator is Equal.")),
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
        ["additionalProperties"] = new JsonObject
        {
            ["description"] = "A quantity written as a string, e.g. \"500m\", \"2\" or \"1Gi\".",
            ["type"] = "string",
            ["pattern"] = QuantityPattern,
        },
    };

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
