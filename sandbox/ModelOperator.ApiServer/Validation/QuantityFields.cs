using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ApiServer.Validation;

/// <summary>
/// Rewrites quantity fields into the canonical form a real server stores (it decodes every quantity into
/// <c>resource.Quantity</c> and encodes it back). A field that is not a quantity fails decoding: the caller answers 400.
/// </summary>
internal sealed class QuantityFields
{
    private readonly List<string> _invalid = [];

    /// <summary>Text of the values that were not quantities, in the order found.</summary>
    public IReadOnlyList<string> Invalid => _invalid;

    /// <summary>Canonicalizes one quantity field of <paramref name="parent"/>, if present.</summary>
    public void One(JsonObject? parent, string key, int? roundToScale = null)
    {
        if (parent is null || !parent.TryGetPropertyValue(key, out var node) || node is not JsonValue value)
        {
            return;
        }

        var text = value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        };
        if (!Quantity.TryParse(text, out var quantity))
        {
            _invalid.Add(value.ToJsonString());
            return;
        }

        if (roundToScale is { } scale)
        {
            quantity = quantity.RoundUp(scale);
        }

        parent[key] = quantity.ToString();
    }

    /// <summary>
    /// Canonicalizes every value of a ResourceList (container requests and limits, pod overhead, PVC requests), rounded
    /// up to milli as the server's ResourceList defaulting does (<c>1n</c> of cpu becomes <c>1m</c>).
    /// </summary>
    public void ResourceList(JsonObject? list)
    {
        foreach (var key in list?.Select(p => p.Key).ToList() ?? [])
        {
            One(list, key, roundToScale: -3);
        }
    }

    /// <summary>Canonicalizes every value of a map of quantities that is not a defaulted ResourceList (quota status, limit ranges).</summary>
    public void Map(JsonObject? map)
    {
        foreach (var key in map?.Select(p => p.Key).ToList() ?? [])
        {
            One(map, key);
        }
    }

    public void Requirements(JsonObject? resources)
    {
        ResourceList(resources?.GetObject("requests"));
        ResourceList(resources?.GetObject("limits"));
    }
}
