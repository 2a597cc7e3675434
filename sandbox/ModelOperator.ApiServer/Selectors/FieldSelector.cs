using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Selectors;

/// <summary>
/// A parsed field selector (<c>metadata.name=x,metadata.namespace!=y</c>). Every kind supports
/// <c>metadata.name</c> and <c>metadata.namespace</c>; the built-ins that register field label conversions in Kubernetes
/// (pods, services, secrets, events, namespaces) support more, and refuse others as those conversions do
/// ("field label not supported: x"); every other kind, custom resources included, falls back to kube-apiserver's
/// default conversion and its wording.
/// </summary>
internal sealed class FieldSelector
{
    private static readonly string[] Common = ["metadata.name", "metadata.namespace"];

    /// <summary>The labels each registered conversion accepts (a Namespace, being cluster-scoped, has no metadata.namespace).</summary>
    private static readonly Dictionary<string, string[]> Registered = new(StringComparer.Ordinal)
    {
        ["pods"] = [.. Common, "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP", "status.nominatedNodeName"],
        ["events"] = [.. Common, "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"],
        ["secrets"] = [.. Common, "type"],
        ["services"] = [.. Common, "spec.clusterIP", "spec.type"],
        ["namespaces"] = ["metadata.name", "status.phase"],
    };

    private readonly IReadOnlyList<(string Field, bool Equal, string Value)> _terms;

    private FieldSelector(IReadOnlyList<(string, bool, string)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public bool IsEverything => _terms.Count == 0;

    /// <summary>The name this selector pins with <c>metadata.name=</c>, if any (lets get-by-name lists be fast).</summary>
    public string? ExactName => _terms.FirstOrDefault(t => t.Field == "metadata.name" && t.Equal).Value;

    public static FieldSelector Parse(string? text, string storageKey)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var registered = Registered.TryGetValue(storageKey, out var labels);
        var allowed = labels ?? Common;
        var terms = new List<(string, bool, string)>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (field, equal, value) = Split(raw, text);
            if (!allowed.Contains(field))
            {
                throw ApiException.BadRequest(registered
                    ? $"field label not supported: {field}"
                    : $"\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
            }

            terms.Add((field, equal, value));
        }

        return new FieldSelector(terms);
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (field, equal, value) in _terms)
        {
            var actual = JsonHelpers.ScalarText(JsonHelpers.AtPath(obj, field)) ?? "";
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }

    private static (string Field, bool Equal, string Value) Split(string term, string whole)
    {
        foreach (var (token, equal) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            var idx = term.IndexOf(token, StringComparison.Ordinal);
            if (idx > 0)
            {
                return (term[..idx].Trim(), equal, term[(idx + token.Length)..].Trim());
            }
        }

        throw ApiException.BadRequest($"invalid field selector \"{whole}\": \"{term}\" is not of the form field=value, field==value or field!=value");
    }
}
