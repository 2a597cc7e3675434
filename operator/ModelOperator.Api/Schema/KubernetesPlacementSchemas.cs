using System.Text.Json.Nodes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api.Schema;

/// <summary>
/// Schemas of the pod placement and shaping types (affinity, topology spread, image pull Secrets, envFrom, int-or-string),
/// written after the upstream core/v1 OpenAPI: the same field names, types and enums, with the upstream meaning in each
/// description, so that <c>kubectl explain</c> and the API server's validation treat them as in a Pod.
/// </summary>
internal static partial class KubernetesTypeSchemas
{
    /// <summary>The most terms, expressions or values in any one list of an affinity rule.</summary>
    public const int MaxAffinityItems = 16;

    /// <summary>The longest affinity or topology spread rule set as JSON text, checked by the validator so that the
    /// revision's recorded spec stays small; every sensible rule set is far shorter.</summary>
    public const int PlacementMaxJsonLength = 8192;

    private const int LabelKeyMaxLength = 317;

    private static JsonObject? PlacementSchema(Type type)
    {
        if (type == typeof(Affinity))
        {
            return Object(
                ("nodeAffinity", Described("Rules on the labels of the node a pod may run on.", NodeAffinitySchema())),
                ("podAffinity", Described("Rules that put a pod in the same topology domain as other pods (e.g. the same zone as a cache).", PodAffinitySchema())),
                ("podAntiAffinity", Described("Rules that keep a pod out of topology domains where other pods run (e.g. one serving pod per node).", PodAffinitySchema())));
        }

        if (type == typeof(TopologySpreadConstraint))
        {
            var constraint = Object(
                ("maxSkew", new JsonObject { ["description"] = "The most by which the number of matching pods in one domain may exceed the number in the emptiest eligible domain; at least 1.", ["type"] = "integer", ["format"] = "int32", ["minimum"] = 1 }),
                ("topologyKey", String("The node label whose values are the domains, e.g. kubernetes.io/hostname or topology.kubernetes.io/zone.", minLength: 1, maxLength: LabelKeyMaxLength)),
                ("whenUnsatisfiable", Enum("What to do with a pod that cannot satisfy the spread: DoNotSchedule leaves it pending, ScheduleAnyway schedules it while preferring less skew.", "DoNotSchedule", "ScheduleAnyway")),
                ("labelSelector", Described("The pods counted in each domain.", LabelSelectorSchema())),
                ("minDomains", new JsonObject { ["description"] = "The fewest eligible domains; with fewer, the global minimum is taken as 0. Only with whenUnsatisfiable DoNotSchedule.", ["type"] = "integer", ["format"] = "int32", ["minimum"] = 1 }),
                ("nodeAffinityPolicy", Enum("Whether the pod's node affinity and nodeSelector limit the domains counted: Honor (the default) or Ignore.", "Honor", "Ignore")),
                ("nodeTaintsPolicy", Enum("Whether node taints limit the domains counted: Honor or Ignore (the default).", "Honor", "Ignore")),
                ("matchLabelKeys", StringList("Pod label keys whose values on the incoming pod are added to labelSelector, e.g. pod-template-hash.", LabelKeyMaxLength)));
            constraint["required"] = new JsonArray("maxSkew", "topologyKey", "whenUnsatisfiable");
            return constraint;
        }

        if (type == typeof(LocalObjectReference))
        {
            var reference = Object(("name", String("The name of the object in the same namespace.", minLength: 1, maxLength: ReferenceMaxLength)));
            reference["required"] = new JsonArray("name");
            return reference;
        }

        if (type == typeof(EnvFromSource))
        {
            return Object(
                ("prefix", String("Prepended to every key to make the variable name.", maxLength: EnvNameMaxLength)),
                ("configMapRef", Described("The ConfigMap whose keys become variables.", EnvSource())),
                ("secretRef", Described("The Secret whose keys become variables.", EnvSource())));
        }

        if (type == typeof(IntOrString))
        {
            return new JsonObject { ["x-kubernetes-int-or-string"] = true };
        }

        return null;
    }

    private static JsonObject NodeAffinitySchema()
    {
        var preferred = Object(
            ("weight", Weight()),
            ("preference", Described("The node term to prefer.", NodeSelectorTermSchema())));
        preferred["required"] = new JsonArray("weight", "preference");
        var required = Object(("nodeSelectorTerms", List("The terms, ORed: a node matching any term qualifies.", "A node term: its requirements are ANDed.", NodeSelectorTermSchema(), minItems: 1)));
        required["required"] = new JsonArray("nodeSelectorTerms");
        return Object(
            ("requiredDuringSchedulingIgnoredDuringExecution", Described("Node terms a node must match for the pod to be scheduled there.", required)),
            ("preferredDuringSchedulingIgnoredDuringExecution", List("Node terms the scheduler prefers, each with a weight; the node with the highest sum wins.", "A node term with its weight.", preferred)));
    }

    private static JsonObject NodeSelectorTermSchema()
    {
        var requirement = Object(
            ("key", String("The node label key (or field name in matchFields).", minLength: 1, maxLength: LabelKeyMaxLength)),
            ("operator", Enum("How the key's value is compared with values.", "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt")),
            ("values", StringList("The values: non-empty for In and NotIn, empty for Exists and DoesNotExist, one integer for Gt and Lt.", 63)));
        requirement["required"] = new JsonArray("key", "operator");
        return Object(
            ("matchExpressions", List("Requirements on node labels, ANDed.", "A requirement on one node label.", requirement)),
            ("matchFields", List("Requirements on node fields (metadata.name), ANDed.", "A requirement on one node field.", requirement.DeepClone().AsObject())));
    }

    private static JsonObject PodAffinitySchema()
    {
        var weighted = Object(
            ("weight", Weight()),
            ("podAffinityTerm", Described("The pod term to prefer.", PodAffinityTermSchema())));
        weighted["required"] = new JsonArray("weight", "podAffinityTerm");
        return Object(
            ("requiredDuringSchedulingIgnoredDuringExecution", List("Pod terms that must all hold for the pod to be scheduled.", "Pods matching a selector, within one topology domain.", PodAffinityTermSchema())),
            ("preferredDuringSchedulingIgnoredDuringExecution", List("Pod terms the scheduler prefers, each with a weight.", "A pod term with its weight.", weighted)));
    }

    private static JsonObject PodAffinityTermSchema()
    {
        var term = Object(
            ("labelSelector", Described("The pods the term is about.", LabelSelectorSchema())),
            ("namespaces", StringList("The namespaces of those pods; empty with no namespaceSelector means this pod's namespace.", 63)),
            ("namespaceSelector", Described("The namespaces of those pods, by label; {} selects every namespace.", LabelSelectorSchema())),
            ("topologyKey", String("The node label whose equal values make one domain, e.g. kubernetes.io/hostname.", minLength: 1, maxLength: LabelKeyMaxLength)),
            ("matchLabelKeys", StringList("Pod label keys whose values on the incoming pod are added to labelSelector as In requirements.", LabelKeyMaxLength)),
            ("mismatchLabelKeys", StringList("Pod label keys whose values on the incoming pod are added to labelSelector as NotIn requirements.", LabelKeyMaxLength)));
        term["required"] = new JsonArray("topologyKey");
        return term;
    }

    private static JsonObject LabelSelectorSchema()
    {
        var expression = Object(
            ("key", String("The label key.", minLength: 1, maxLength: LabelKeyMaxLength)),
            ("operator", Enum("How the key's value is compared with values.", "In", "NotIn", "Exists", "DoesNotExist")),
            ("values", StringList("The values: non-empty for In and NotIn, empty for Exists and DoesNotExist.", 63)));
        expression["required"] = new JsonArray("key", "operator");
        return Object(
            ("matchLabels", new JsonObject
            {
                ["description"] = "Labels a pod must have, with these values.",
                ["type"] = "object",
                ["maxProperties"] = MaxAffinityItems,
                ["additionalProperties"] = new JsonObject { ["description"] = "The label value.", ["type"] = "string", ["maxLength"] = 63 },
            }),
            ("matchExpressions", List("Label requirements, ANDed.", "A requirement on one label.", expression)));
    }

    private static JsonObject EnvSource()
    {
        var source = Object(
            ("name", String("The name of the object in the same namespace.", minLength: 1, maxLength: ReferenceMaxLength)),
            ("optional", new JsonObject { ["description"] = "Whether the container may start without it.", ["type"] = "boolean" }));
        source["required"] = new JsonArray("name");
        return source;
    }

    private static JsonObject Weight() => new()
    {
        ["description"] = "The weight of the term, from 1 to 100.",
        ["type"] = "integer",
        ["format"] = "int32",
        ["minimum"] = 1,
        ["maximum"] = 100,
    };

    private static JsonObject List(string description, string itemDescription, JsonObject item, int minItems = 0)
    {
        item["description"] ??= itemDescription;
        var list = new JsonObject { ["description"] = description, ["type"] = "array", ["maxItems"] = MaxAffinityItems, ["items"] = item };
        if (minItems > 0)
        {
            list["minItems"] = minItems;
        }

        return list;
    }

    private static JsonObject StringList(string description, int maxLength) =>
        List(description, "One entry.", new JsonObject { ["type"] = "string", ["maxLength"] = maxLength });
}
