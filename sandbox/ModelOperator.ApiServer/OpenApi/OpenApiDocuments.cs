using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Resources;

namespace ModelOperator.ApiServer.OpenApi;

/// <summary>
/// OpenAPI v3: the <c>/openapi/v3</c> index (paths with <c>serverRelativeURL</c> carrying a content
/// hash) and one document per group version. Every kind has a schema tagged with
/// <c>x-kubernetes-group-version-kind</c> (CRDs their real schema, built-ins a loose one), and every
/// PATCH operation lists the <c>fieldValidation</c> parameter, which is how kubectl learns that the
/// server validates fields itself. Strategic merge patch is not advertised, so kubectl computes
/// built-in patches from its compiled-in types and uses merge patches for custom resources.
/// </summary>
internal sealed class OpenApiDocuments
{
    private readonly ConditionalWeakTable<ResourceRegistry.Snapshot, Dictionary<string, (JsonObject Doc, string Hash)>> _cache = new();
    private readonly string _gitVersion;

    public OpenApiDocuments(string gitVersion) => _gitVersion = gitVersion;

    public JsonObject Index(ResourceRegistry.Snapshot snapshot)
    {
        var paths = new JsonObject();
        foreach (var (key, (_, hash)) in Documents(snapshot).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document for <c>api/v1</c> or <c>apis/{group}/{version}</c>, with its hash, or null.</summary>
    public (JsonObject Doc, string Hash)? Document(ResourceRegistry.Snapshot snapshot, string key) =>
        Documents(snapshot).TryGetValue(key, out var d) ? d : null;

    private Dictionary<string, (JsonObject Doc, string Hash)> Documents(ResourceRegistry.Snapshot snapshot) =>
        _cache.GetValue(snapshot, s =>
        {
            var docs = new Dictionary<string, (JsonObject, string)>(StringComparer.Ordinal);
            foreach (var gv in s.ByPath.Values.GroupBy(t => (t.Group, t.Version)))
            {
                var key = gv.Key.Group.Length == 0 ? $"api/{gv.Key.Version}" : $"apis/{gv.Key.Group}/{gv.Key.Version}";
                var doc = Build(gv.OrderBy(t => t.Plural, StringComparer.Ordinal).ToList());
                var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(doc.ToJsonString(JsonHelpers.Compact))))[..32];
                docs[key] = (doc, hash);
            }

            return docs;
        });

    private JsonObject Build(IReadOnlyList<ResourceType> types)
    {
        var paths = new JsonObject();
        var schemas = new JsonObject();
        foreach (var t in types)
        {
            var schemaName = SchemaName(t);
            schemas[schemaName] = KindSchema(t);
            schemas[schemaName + "List"] = ListSchema(t, schemaName);
            AddPaths(paths, t, schemaName);
        }

        schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Patch"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
        };
        schemas["io.k8s.apimachinery.pkg.apis.meta.v1.Status"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Status is a return value for calls that don't return other objects.",
            ["x-kubernetes-preserve-unknown-fields"] = true,
        };

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = _gitVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    private static string SchemaName(ResourceType t)
    {
        var group = t.Group.Length == 0 ? "io.k8s.api.core" : string.Join('.', t.Group.Split('.').Reverse());
        return $"{group}.{t.Version}.{t.Kind}";
    }

    private static JsonObject Gvk(ResourceType t) => new() { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.Kind };

    private static JsonObject KindSchema(ResourceType t)
    {
        JsonObject schema;
        if (t.Schema is not null)
        {
            schema = (JsonObject)t.Schema.DeepClone();
        }
        else
        {
            schema = new JsonObject
            {
                ["type"] = "object",
                ["description"] = $"{t.Kind} ({t.ApiVersion}). This server publishes a loose schema for built-in kinds.",
                ["x-kubernetes-preserve-unknown-fields"] = true,
                ["properties"] = new JsonObject
                {
                    ["spec"] = new JsonObject { ["type"] = "object", ["description"] = $"The desired state of the {t.Kind}.", ["x-kubernetes-preserve-unknown-fields"] = true },
                    ["status"] = new JsonObject { ["type"] = "object", ["description"] = $"The observed state of the {t.Kind}.", ["x-kubernetes-preserve-unknown-fields"] = true },
                },
            };
        }

        var properties = schema.GetOrAddObject("properties");
        properties["apiVersion"] = new JsonObject
        {
            ["type"] = "string",
            ["description"] = "APIVersion defines the versioned schema of this representation of an object.",
        };
        properties["kind"] = new JsonObject
        {
            ["type"] = "string",
            ["description"] = "Kind is a string value representing the REST resource this object represents.",
        };
        properties["metadata"] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Standard object's metadata.",
            ["x-kubernetes-preserve-unknown-fields"] = true,
        };
        schema["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(t));
        return schema;
    }

    private static JsonObject ListSchema(ResourceType t, string schemaName) => new()
    {
        ["type"] = "object",
        ["description"] = $"{t.ListKind} is a list of {t.Kind}.",
        ["required"] = new JsonArray("items"),
        ["properties"] = new JsonObject
        {
            ["apiVersion"] = new JsonObject { ["type"] = "string" },
            ["kind"] = new JsonObject { ["type"] = "string" },
            ["metadata"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
            ["items"] = new JsonObject { ["type"] = "array", ["items"] = Ref(schemaName) },
        },
        ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = t.Group, ["version"] = t.Version, ["kind"] = t.ListKind }),
    };

    private static void AddPaths(JsonObject paths, ResourceType t, string schemaName)
    {
        var prefix = t.Group.Length == 0 ? $"/api/{t.Version}" : $"/apis/{t.Group}/{t.Version}";
        var scoped = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Plural}" : $"{prefix}/{t.Plural}";
        var nameParams = t.Namespaced ? new[] { "name", "namespace" } : ["name"];
        var collectionParams = t.Namespaced ? new[] { "namespace" } : [];

        paths[scoped] = new JsonObject
        {
            ["parameters"] = PathParameters(collectionParams),
            ["get"] = Operation(t, "list", $"list {t.Plural}", Ref(schemaName + "List"), []),
            ["post"] = Operation(t, "post", $"create a {t.Kind}", Ref(schemaName), ["dryRun", "fieldManager", "fieldValidation"], Body(Ref(schemaName), "application/json", "application/yaml")),
            ["delete"] = Operation(t, "deletecollection", $"delete a collection of {t.Kind}", Ref("io.k8s.apimachinery.pkg.apis.meta.v1.Status"), ["dryRun"]),
        };
        paths[scoped + "/{name}"] = new JsonObject
        {
            ["parameters"] = PathParameters(nameParams),
            ["get"] = Operation(t, "get", $"read the specified {t.Kind}", Ref(schemaName), []),
            ["put"] = Operation(t, "put", $"replace the specified {t.Kind}", Ref(schemaName), ["dryRun", "fieldManager", "fieldValidation"], Body(Ref(schemaName), "application/json", "application/yaml")),
            ["patch"] = PatchOperation(t, schemaName),
            ["delete"] = Operation(t, "delete", $"delete a {t.Kind}", Ref(schemaName), ["dryRun", "gracePeriodSeconds", "propagationPolicy"]),
        };
        if (t.HasStatus)
        {
            paths[scoped + "/{name}/status"] = new JsonObject
            {
                ["parameters"] = PathParameters(nameParams),
                ["get"] = Operation(t, "get", $"read status of the specified {t.Kind}", Ref(schemaName), []),
                ["put"] = Operation(t, "put", $"replace status of the specified {t.Kind}", Ref(schemaName), ["dryRun", "fieldManager", "fieldValidation"], Body(Ref(schemaName), "application/json", "application/yaml")),
                ["patch"] = PatchOperation(t, schemaName),
            };
        }

        if (t.Namespaced)
        {
            paths[$"{prefix}/{t.Plural}"] = new JsonObject
            {
                ["get"] = Operation(t, "list", $"list {t.Kind} in all namespaces", Ref(schemaName + "List"), []),
            };
        }
    }

    private static JsonObject PatchOperation(ResourceType t, string schemaName) =>
        Operation(t, "patch", $"partially update the specified {t.Kind}", Ref(schemaName), ["dryRun", "fieldManager", "fieldValidation", "force"],
            Body(Ref("io.k8s.apimachinery.pkg.apis.meta.v1.Patch"), "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"));

    private static JsonObject Operation(ResourceType t, string action, string description, JsonObject responseSchema, string[] queryParameters, JsonObject? requestBody = null)
    {
        var parameters = new JsonArray();
        foreach (var q in queryParameters)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = q,
                ["in"] = "query",
                ["description"] = q,
                ["schema"] = new JsonObject { ["type"] = q is "force" ? "boolean" : q is "gracePeriodSeconds" ? "integer" : "string", ["uniqueItems"] = true },
            });
        }

        var op = new JsonObject
        {
            ["description"] = description,
            ["operationId"] = action + t.Kind,
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = responseSchema } },
                },
            },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = Gvk(t),
        };
        if (requestBody is not null)
        {
            op["requestBody"] = requestBody;
        }

        return op;
    }

    private static JsonObject Body(JsonObject schema, params string[] mediaTypes)
    {
        var content = new JsonObject();
        foreach (var m in mediaTypes)
        {
            content[m] = new JsonObject { ["schema"] = schema.DeepClone() };
        }

        return new JsonObject { ["content"] = content, ["required"] = true };
    }

    private static JsonArray PathParameters(string[] names)
    {
        var array = new JsonArray();
        foreach (var n in names)
        {
            array.Add(new JsonObject
            {
                ["name"] = n,
                ["in"] = "path",
                ["description"] = n == "name" ? "name of the resource" : "object name and auth scope, such as for teams and projects",
                ["required"] = true,
                ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
            });
        }

        return array;
    }

    private static JsonObject Ref(string schemaName) => new() { ["$ref"] = $"#/components/schemas/{schemaName}" };
}
