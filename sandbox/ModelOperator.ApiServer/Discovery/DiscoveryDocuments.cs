using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Resources;

namespace ModelOperator.ApiServer.Discovery;

/// <summary>
/// The legacy (unaggregated) discovery documents: <c>/api</c> (APIVersions), <c>/apis</c>
/// (APIGroupList), <c>/apis/{group}</c> (APIGroup) and each group version's APIResourceList.
/// kubectl asks for aggregated discovery first and falls back to these when it gets plain JSON.
/// </summary>
internal static class DiscoveryDocuments
{
    private static readonly string[] MainVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] SubresourceVerbs = ["get", "patch", "update"];

    public static JsonObject Version(string gitVersion)
    {
        var parts = gitVersion.TrimStart('v').Split('.');
        return new JsonObject
        {
            ["major"] = parts.ElementAtOrDefault(0) ?? "1",
            ["minor"] = parts.ElementAtOrDefault(1) ?? "0",
            ["gitVersion"] = gitVersion,
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2026-01-01T00:00:00Z",
            ["goVersion"] = "go1.23.0",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(ResourceRegistry.Snapshot snapshot)
    {
        var groups = new JsonArray();
        foreach (var g in snapshot.Groups.Where(g => g.Name.Length > 0))
        {
            groups.Add(Group(g));
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? GroupDocument(ResourceRegistry.Snapshot snapshot, string group)
    {
        var g = snapshot.Groups.FirstOrDefault(x => x.Name == group && x.Name.Length > 0);
        if (g is null)
        {
            return null;
        }

        var doc = Group(g);
        doc["kind"] = "APIGroup";
        doc["apiVersion"] = "v1";
        return doc;
    }

    public static JsonObject? ResourceList(ResourceRegistry.Snapshot snapshot, string group, string version)
    {
        var types = snapshot.InGroupVersion(group, version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var t in types)
        {
            var main = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = Array(t.IsReview ? ["create"] : MainVerbs),
            };
            if (t.ShortNames.Count > 0)
            {
                main["shortNames"] = Array(t.ShortNames);
            }

            if (t.Categories.Count > 0)
            {
                main["categories"] = Array(t.Categories);
            }

            resources.Add(main);
            if (t.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = Array(SubresourceVerbs),
                });
            }

            if (t.Scale is not null)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/scale",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["group"] = "autoscaling",
                    ["version"] = "v1",
                    ["kind"] = "Scale",
                    ["verbs"] = Array(SubresourceVerbs),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private static JsonObject Group(ResourceRegistry.GroupInfo g)
    {
        var versions = new JsonArray();
        foreach (var v in g.Versions)
        {
            versions.Add(new JsonObject { ["groupVersion"] = $"{g.Name}/{v}", ["version"] = v });
        }

        return new JsonObject
        {
            ["name"] = g.Name,
            ["versions"] = versions,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{g.Name}/{g.Versions[0]}", ["version"] = g.Versions[0] },
        };
    }

    private static JsonArray Array(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)i).ToArray());
}
