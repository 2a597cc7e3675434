using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Validation;

/// <summary>
/// Structural-schema housekeeping for custom resources: finds fields the schema does not know
/// (reported under strict field validation), drops them (pruning), and fills in defaults.
/// </summary>
internal static class SchemaPruner
{
    /// <summary>Removes unknown fields in place and returns their paths (e.g. <c>spec.foo</c>).</summary>
    public static List<string> Prune(JsonObject obj, JsonObject schema)
    {
        var unknown = new List<string>();
        foreach (var name in obj.Select(p => p.Key).ToList())
        {
            if (name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }

            var propertySchema = schema.GetObject("properties")?.GetObject(name);
            if (propertySchema is null && !Preserves(schema))
            {
                unknown.Add(name);
                obj.Remove(name);
            }
            else if (propertySchema is not null)
            {
                PruneNode(obj[name], propertySchema, name, unknown);
            }
        }

        return unknown;
    }

    /// <summary>Applies <c>default</c> values to missing fields, recursively through present objects and list items.</summary>
    public static void ApplyDefaults(JsonObject obj, JsonObject schema)
    {
        DefaultObject(obj, schema, isRoot: true);
    }

    private static void PruneNode(JsonNode? node, JsonObject schema, string path, List<string> unknown)
    {
        switch (node)
        {
            case JsonObject o:
                if (schema.GetBoolean("x-kubernetes-embedded-resource") == true && Preserves(schema))
                {
                    return;
                }

                var properties = schema.GetObject("properties");
                var additional = schema.GetObject("additionalProperties");
                foreach (var name in o.Select(p => p.Key).ToList())
                {
                    var childPath = $"{path}.{name}";
                    if (properties?.GetObject(name) is { } ps)
                    {
                        PruneNode(o[name], ps, childPath, unknown);
                    }
                    else if (additional is not null)
                    {
                        PruneNode(o[name], additional, childPath, unknown);
                    }
                    else if (!Preserves(schema) && schema.GetBoolean("additionalProperties") != true)
                    {
                        unknown.Add(childPath);
                        o.Remove(name);
                    }
                }

                break;
            case JsonArray a when schema.GetObject("items") is { } items:
                for (var i = 0; i < a.Count; i++)
                {
                    PruneNode(a[i], items, $"{path}[{i}]", unknown);
                }

                break;
        }
    }

    private static void DefaultObject(JsonObject o, JsonObject schema, bool isRoot)
    {
        if (schema.GetObject("properties") is { } properties)
        {
            foreach (var (name, node) in properties)
            {
                if (node is not JsonObject ps || (isRoot && name is "apiVersion" or "kind" or "metadata"))
                {
                    continue;
                }

                if (!o.ContainsKey(name) && ps.TryGetPropertyValue("default", out var def))
                {
                    o[name] = def?.DeepClone();
                }

                DefaultNode(o.TryGetPropertyValue(name, out var child) ? child : null, ps);
            }
        }

        if (schema.GetObject("additionalProperties") is { } additional)
        {
            foreach (var (_, child) in o)
            {
                DefaultNode(child, additional);
            }
        }
    }

    private static void DefaultNode(JsonNode? node, JsonObject schema)
    {
        switch (node)
        {
            case JsonObject o:
                DefaultObject(o, schema, isRoot: false);
                break;
            case JsonArray a when schema.GetObject("items") is { } items:
                foreach (var item in a)
                {
                    DefaultNode(item, items);
                }

                break;
        }
    }

    private static bool Preserves(JsonObject schema) => schema.GetBoolean("x-kubernetes-preserve-unknown-fields") == true;
}
