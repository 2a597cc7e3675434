using System.Text.Json.Nodes;

namespace ModelOperator.Chart.Tests.Support;

/// <summary>
/// Evaluates RBAC PolicyRules the way the API server's authorizer does for resource requests: a rule matches when its
/// apiGroups, resources and verbs each contain the request's (or "*"), and its resourceNames are empty or contain the name.
/// </summary>
internal static class RbacRules
{
    public static bool Allows(JsonObject role, string group, string resource, string verb, string? name = null) =>
        Rules(role).Any(r =>
            Has(r, "apiGroups", group) && Has(r, "resources", resource) && Has(r, "verbs", verb)
            && (Strings(r, "resourceNames").Count == 0 || (name is not null && Strings(r, "resourceNames").Contains(name))));

    public static IEnumerable<JsonObject> Rules(JsonObject role) =>
        (role["rules"] as JsonArray ?? []).Select(r => r!.AsObject());

    public static IReadOnlyList<string> Strings(JsonObject rule, string field) =>
        (rule[field] as JsonArray ?? []).Select(v => v!.GetValue<string>()).ToList();

    private static bool Has(JsonObject rule, string field, string value) =>
        Strings(rule, field) is var list && (list.Contains(value) || list.Contains("*"));
}
