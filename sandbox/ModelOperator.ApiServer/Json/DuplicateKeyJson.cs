using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelOperator.ApiServer.Json;

/// <summary>
/// Parses JSON that may repeat a key, as Go's decoder accepts it: the last value wins, and each repeated key is reported
/// by its path (<c>metadata.name</c>, <c>spec.template.spec.containers[0].image</c>) so field validation can refuse it
/// (Strict) or warn about it (Warn). <see cref="JsonNode.Parse(string, JsonNodeOptions?, JsonDocumentOptions)"/> would
/// instead throw while building the object, which turned a client's typo into a 500.
/// </summary>
internal static class DuplicateKeyJson
{
    /// <summary>The parsed document; <paramref name="duplicates"/> receives the path of every key seen again.</summary>
    public static JsonNode? Parse(ReadOnlyMemory<byte> utf8, List<string> duplicates)
    {
        using var document = JsonDocument.Parse(utf8);
        return Convert(document.RootElement, "", duplicates);
    }

    private static JsonNode? Convert(JsonElement element, string path, List<string> duplicates)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    var childPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    if (obj.ContainsKey(property.Name))
                    {
                        duplicates.Add(childPath);
                    }

                    obj[property.Name] = Convert(property.Value, childPath, duplicates);
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(Convert(item, $"{path}[{index++}]", duplicates));
                }

                return array;
            case JsonValueKind.Null:
                return null;
            default:
                return JsonValue.Create(element.Clone());
        }
    }
}
