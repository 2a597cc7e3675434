using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes.Http;

/// <summary>Parses one line of a watch stream: <c>{"type":"ADDED","object":{…}}</c>.</summary>
internal static class WatchEventParser
{
    public static WatchEvent<T> Parse<T>(string line, JsonTypeInfo<T> typeInfo)
        where T : class, IKubernetesObject
    {
        using var document = ParseDocument(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("type", out var typeElement)
            || typeElement.ValueKind != JsonValueKind.String)
        {
            throw new KubernetesApiException($"A watch event has no string 'type': {Preview(line)}");
        }

        if (!root.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object)
        {
            throw new KubernetesApiException($"A watch event has no 'object': {Preview(line)}");
        }

        var type = typeElement.GetString() switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => WatchEventType.Error,
            var other => throw new KubernetesApiException(
                $"Unknown watch event type '{other}'; expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR."),
        };

        try
        {
            return type == WatchEventType.Error
                ? new WatchEvent<T>(type, null, obj.Deserialize(KubernetesJsonContext.Default.Status))
                : new WatchEvent<T>(type, obj.Deserialize(typeInfo));
        }
        catch (JsonException e)
        {
            throw new KubernetesApiException($"The object of a {type} watch event could not be read as {typeof(T).Name}: {e.Message}", e);
        }
    }

    private static JsonDocument ParseDocument(string line)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new KubernetesApiException($"A watch event is not valid JSON ({e.Message}): {Preview(line)}", e);
        }
    }

    private static string Preview(string line) => line.Length <= 200 ? line : line[..200] + "…";
}
