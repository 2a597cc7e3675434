using System.Text.Json.Nodes;

namespace ModelOperator.Operator.Apply;

/// <summary>
/// "Does the observed object already hold every field we set?" — the comparison that decides whether a child needs a
/// write. Fields the API server or other controllers add (defaults, status, clusterIP) do not count; fields we set must
/// be equal. Objects: every key of <c>desired</c> is in <c>observed</c> with a contained value. Arrays: the same length
/// and each element contained in the element at the same position (so a removed env var or container is a change).
/// Scalars: equal JSON values. Label selectors (<c>selector</c> and <c>matchLabels</c> maps) are the exception: they must
/// be equal, because a selector with one more key selects fewer pods (a Service still narrowed to one revision when it
/// should select both is not "already holding what we set").
/// </summary>
public static class JsonSubset
{
    public static bool Contains(JsonNode? observed, JsonNode? desired)
    {
        switch (desired)
        {
            case null:
                return true;
            case JsonObject want:
                if (observed is not JsonObject have)
                {
                    return false;
                }

                foreach (var (key, value) in want)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    if (!have.TryGetPropertyValue(key, out var actual)
                        || (IsSelector(key, value) ? !JsonNode.DeepEquals(actual, value) : !Contains(actual, value)))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray wantItems:
                if (observed is not JsonArray haveItems || haveItems.Count != wantItems.Count)
                {
                    return false;
                }

                for (var i = 0; i < wantItems.Count; i++)
                {
                    if (!Contains(haveItems[i], wantItems[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return observed is JsonValue && JsonNode.DeepEquals(observed, desired);
        }
    }

    private static bool IsSelector(string key, JsonNode value) =>
        value is JsonObject && key is "selector" or "matchLabels"
        && value.AsObject().All(p => p.Value is JsonValue);
}
