using System.Globalization;
using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Json;
using ModelOperator.ApiServer.Validation;

namespace ModelOperator.ApiServer.Tables;

/// <summary>The default columns of the built-in kinds, close to what the real server prints.</summary>
internal static class BuiltInColumns
{
    public static readonly TableColumn Name = new("Name", "string", "name", "Name must be unique within a namespace. Cannot be updated.", 0, (o, _) => o.Name());

    public static readonly TableColumn Age = new("Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0, (o, now) => AgeOf(o, now));

    public static IReadOnlyList<TableColumn> Default { get; } = [Name, Age];

    public static IReadOnlyList<TableColumn> For(string storageKey) => storageKey switch
    {
        "pods" => Pods,
        "deployments.apps" => Deployments,
        "services" => Services,
        "namespaces" => [Name, Text("Status", "The status of the namespace", o => Str(o, "status.phase")), Age],
        "configmaps" => [Name, Int("Data", "Number of data entries", o => (o.GetObject("data")?.Count ?? 0) + (o.GetObject("binaryData")?.Count ?? 0)), Age],
        "secrets" => [Name, Text("Type", "The type of the secret", o => o.GetString("type")), Int("Data", "Number of data entries", o => o.GetObject("data")?.Count ?? 0), Age],
        "endpoints" => [Name, Text("Endpoints", "The endpoints", EndpointsText), Age],
        "events" => Events,
        "leases.coordination.k8s.io" => [Name, Text("Holder", "The holder of the lease", o => Str(o, "spec.holderIdentity")), Age],
        "horizontalpodautoscalers.autoscaling" => Hpas,
        "customresourcedefinitions.apiextensions.k8s.io" => [Name, Text("Created At", "The creation time", o => Str(o, "metadata.creationTimestamp"), "date")],
        "httproutes.gateway.networking.k8s.io" => [Name, Text("Hostnames", "The hostnames", o => Join(o.GetObject("spec")?.GetArray("hostnames"))), Age],
        _ => Default,
    };

    private static readonly IReadOnlyList<TableColumn> Pods =
    [
        Name,
        Text("Ready", "The aggregate readiness state of this pod for accepting traffic.", PodReady),
        Text("Status", "The aggregate status of the containers in this pod.", PodStatus),
        Text("Restarts", "The number of times the containers in this pod have been restarted.", o => PodRestarts(o).ToString(CultureInfo.InvariantCulture)),
        Age,
        Text("IP", "The IP address assigned to the pod", o => Str(o, "status.podIP") ?? "<none>", priority: 1),
        Text("Node", "The node the pod is assigned to", o => Str(o, "spec.nodeName") ?? "<none>", priority: 1),
    ];

    private static readonly IReadOnlyList<TableColumn> Deployments =
    [
        Name,
        Text("Ready", "Number of the pod with ready state", o => $"{Long(o, "status.readyReplicas")}/{Long(o, "spec.replicas")}"),
        Int("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", o => Long(o, "status.updatedReplicas")),
        Int("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", o => Long(o, "status.availableReplicas")),
        Age,
        Text("Containers", "Names of each container in the template.", o => Join(Containers(o), "name"), priority: 1),
        Text("Images", "Images referenced by each container in the template.", o => Join(Containers(o), "image"), priority: 1),
        Text("Selector", "Label selector for pods.", o => o.GetObject("spec")?.GetObject("selector") is { } s ? BuiltInRules.SelectorText(s) : "<none>", priority: 1),
    ];

    private static readonly IReadOnlyList<TableColumn> Services =
    [
        Name,
        Text("Type", "The type of service.", o => Str(o, "spec.type")),
        Text("Cluster-IP", "The cluster IP of the service.", o => Str(o, "spec.clusterIP") ?? "<none>"),
        Text("External-IP", "The external IPs of the service.", o => Join(o.GetObject("spec")?.GetArray("externalIPs")) is { Length: > 0 } e ? e : "<none>"),
        Text("Port(s)", "The ports of the service.", ServicePorts),
        Age,
        Text("Selector", "The label selector of the service.", o => string.Join(",", UnstructuredMetadata.StringMap(o.GetObject("spec")?.GetObject("selector")).Select(kv => $"{kv.Key}={kv.Value}")) is { Length: > 0 } s ? s : "<none>", priority: 1),
    ];

    private static readonly IReadOnlyList<TableColumn> Events =
    [
        Text("Last Seen", "Time since the event was last seen", (o, now) => Since(Str(o, "lastTimestamp") ?? Str(o, "eventTime") ?? Str(o, "metadata.creationTimestamp"), now)),
        Text("Type", "The type of the event", o => Str(o, "type")),
        Text("Reason", "The reason of the event", o => Str(o, "reason")),
        Text("Object", "The object the event is about", o => $"{Str(o, "involvedObject.kind")?.ToLowerInvariant()}/{Str(o, "involvedObject.name")}"),
        Text("Message", "The message of the event", o => Str(o, "message")),
        Name with { Priority = 1 },
    ];

    private static readonly IReadOnlyList<TableColumn> Hpas =
    [
        Name,
        Text("Reference", "The target of the autoscaler", o => $"{Str(o, "spec.scaleTargetRef.kind")}/{Str(o, "spec.scaleTargetRef.name")}"),
        Text("Targets", "The current and target metric values", o => o.GetObject("spec")?.GetArray("metrics") is { Count: > 0 } m ? $"{m.Count} metric(s)" : "<none>"),
        Int("MinPods", "The lower limit of replicas", o => (long?)JsonHelpers.AsInt64(JsonHelpers.AtPath(o, "spec.minReplicas")) ?? 1),
        Int("MaxPods", "The upper limit of replicas", o => Long(o, "spec.maxReplicas")),
        Int("Replicas", "The current number of replicas", o => Long(o, "status.currentReplicas")),
        Age,
    ];

    public static JsonNode AgeOf(JsonObject o, DateTimeOffset now) =>
        Since(Str(o, "metadata.creationTimestamp"), now);

    private static string Since(string? timestamp, DateTimeOffset now) =>
        JsonHelpers.ParseTimestamp(timestamp) is { } t ? HumanDuration.Format(now - t) : "<unknown>";

    private static TableColumn Text(string name, string description, Func<JsonObject, string?> cell, string format = "", int priority = 0) =>
        new(name, "string", format, description, priority, (o, _) => cell(o));

    private static TableColumn Text(string name, string description, Func<JsonObject, DateTimeOffset, string?> cell) =>
        new(name, "string", "", description, 0, (o, now) => cell(o, now));

    private static TableColumn Int(string name, string description, Func<JsonObject, long> cell) =>
        new(name, "integer", "", description, 0, (o, _) => cell(o));

    private static string? Str(JsonObject o, string path) => JsonHelpers.ScalarText(JsonHelpers.AtPath(o, path));

    private static long Long(JsonObject o, string path) => JsonHelpers.AsInt64(JsonHelpers.AtPath(o, path)) ?? 0;

    private static IEnumerable<JsonObject> Containers(JsonObject o) =>
        (JsonHelpers.AtPath(o, "spec.template.spec.containers") as JsonArray)?.OfType<JsonObject>() ?? [];

    private static string Join(IEnumerable<JsonObject> items, string field) => string.Join(",", items.Select(i => i.GetString(field)));

    private static string Join(JsonArray? items) => items is null ? "" : string.Join(",", items.Select(JsonHelpers.ScalarText));

    private static string PodReady(JsonObject o)
    {
        var total = (JsonHelpers.AtPath(o, "spec.containers") as JsonArray)?.Count ?? 0;
        var ready = (JsonHelpers.AtPath(o, "status.containerStatuses") as JsonArray)?.OfType<JsonObject>().Count(c => c.GetBoolean("ready") == true) ?? 0;
        return $"{ready}/{total}";
    }

    private static string PodStatus(JsonObject o) =>
        o.DeletionTimestamp() is not null ? "Terminating" : Str(o, "status.reason") ?? Str(o, "status.phase") ?? "Unknown";

    private static long PodRestarts(JsonObject o) =>
        (JsonHelpers.AtPath(o, "status.containerStatuses") as JsonArray)?.OfType<JsonObject>().Sum(c => c.GetInt64("restartCount") ?? 0) ?? 0;

    private static string ServicePorts(JsonObject o)
    {
        var ports = (JsonHelpers.AtPath(o, "spec.ports") as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (ports.Count == 0)
        {
            return "<none>";
        }

        return string.Join(",", ports.Select(p =>
            (p.GetInt64("nodePort") is { } np ? $"{p.GetInt64("port")}:{np}" : $"{p.GetInt64("port")}") + "/" + (p.GetString("protocol") ?? "TCP")));
    }

    private static string EndpointsText(JsonObject o)
    {
        var list = new List<string>();
        foreach (var subset in o.GetArray("subsets")?.OfType<JsonObject>() ?? [])
        {
            var ports = subset.GetArray("ports")?.OfType<JsonObject>().Select(p => p.GetInt64("port")).ToList() ?? [];
            foreach (var address in subset.GetArray("addresses")?.OfType<JsonObject>() ?? [])
            {
                var ip = address.GetString("ip");
                list.AddRange(ports.Count == 0 ? [ip ?? ""] : ports.Select(p => $"{ip}:{p}"));
            }
        }

        return list.Count == 0 ? "<none>" : string.Join(",", list);
    }
}
