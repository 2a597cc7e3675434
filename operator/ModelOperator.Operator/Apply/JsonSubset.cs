using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Apply;

/// <summary>
/// "Does the observed object already hold every field we set?" — the comparison that decides whether a child needs a
/// write. It is semantic where the API server is, so that what a real server does to a write is not mistaken for drift:
/// <list type="bullet">
/// <item>Fields the server or other controllers add (defaults, status, clusterIP) do not count; fields we set must be
/// equal. Objects: every key of <c>desired</c> is in <c>observed</c> with a contained value. Arrays: the same length
/// and each element contained in the element at the same position (so a removed env var or container is a change).</item>
/// <item>Quantities (resource requests and limits, pod overhead, emptyDir <c>sizeLimit</c>, metric target values) are
/// compared by value, as the server stores them in canonical form (<c>0.5</c> comes back as <c>500m</c>, <c>1024Mi</c>
/// as <c>1Gi</c>); requests and limits after the server's rounding up to milli.</item>
/// <item>An empty list, an empty map or a null we set equals an absent field: the server's JSON round trip drops them
/// (<c>omitempty</c>).</item>
/// <item>Label selectors (<c>selector</c> and <c>matchLabels</c> maps) must be equal, not contained: a selector with one
/// more key selects fewer pods (a Service still narrowed to one revision when it should select both is not "already
/// holding what we set").</item>
/// </list>
/// </summary>
public static class JsonSubset
{
    private const int ResourceListScale = -3;

    public static bool Contains(JsonNode? observed, JsonNode? desired) => Contains(observed, desired, key: null, parentKey: null);

    private static bool Contains(JsonNode? observed, JsonNode? desired, string? key, string? parentKey)
    {
        switch (desired)
        {
            case null:
                return true;
            case JsonObject want:
                if (observed is null && want.Count == 0)
                {
                    return true;
                }

                if (observed is not JsonObject have)
                {
                    return false;
                }

                foreach (var (name, value) in want)
                {
                    if (value is null)
                    {
                        continue;
                    }

                    if (!have.TryGetPropertyValue(name, out var actual))
                    {
                        if (IsEmpty(value))
                        {
                            continue;
                        }

                        return false;
                    }

                    if (IsSelector(name, value) ? !SameMap(actual, value) : !Contains(actual, value, name, key))
                    {
                        return false;
                    }
                }

                return true;
            case JsonArray wantItems:
                if (observed is null && wantItems.Count == 0)
                {
                    return true;
                }

                if (observed is not JsonArray haveItems || haveItems.Count != wantItems.Count)
                {
                    return false;
                }

                for (var i = 0; i < wantItems.Count; i++)
                {
                    if (!Contains(haveItems[i], wantItems[i], key, parentKey))
                    {
                        return false;
                    }
                }

                return true;
            default:
                if (observed is not JsonValue)
                {
                    return false;
                }

                return QuantityScale(key, parentKey) is { } scale
                    ? SameQuantity(observed, desired, scale)
                    : JsonNode.DeepEquals(observed, desired);
        }
    }

    /// <summary>
    /// The scale a quantity field is rounded to by the server (int.MinValue: not rounded), or null when the field at
    /// <paramref name="key"/> under <paramref name="parentKey"/> is not a quantity.
    /// </summary>
    private static int? QuantityScale(string? key, string? parentKey) => (key, parentKey) switch
    {
        (_, "requests" or "limits") => ResourceListScale,
        (_, "overhead") => ResourceListScale,
        ("sizeLimit" or "divisor", _) => int.MinValue,
        ("averageValue" or "value", "target") => int.MinValue,
        _ => null,
    };

    private static bool SameQuantity(JsonNode observed, JsonNode desired, int scale)
    {
        if (!Quantity.TryParse(Text(observed), out var have) || !Quantity.TryParse(Text(desired), out var want))
        {
            return JsonNode.DeepEquals(observed, desired);
        }

        return have == (scale == int.MinValue ? want : want.RoundUp(scale));
    }

    private static string? Text(JsonNode node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String
        ? value.GetValue<string>()
        : node.ToJsonString();

    private static bool IsEmpty(JsonNode value) => value is JsonObject { Count: 0 } or JsonArray { Count: 0 };

    private static bool SameMap(JsonNode? observed, JsonNode desired) =>
        JsonNode.DeepEquals(observed, desired) || (observed is null && IsEmpty(desired));

    private static bool IsSelector(string key, JsonNode value) =>
        value is JsonObject && key is "selector" or "matchLabels"
        && value.AsObject().All(p => p.Value is JsonValue);
}
