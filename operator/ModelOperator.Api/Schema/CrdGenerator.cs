using System.Text.Json.Nodes;

namespace ModelOperator.Api.Schema;

/// <summary>
/// The ModelDeployment CustomResourceDefinition (apiextensions.k8s.io/v1), generated from the API types: names,
/// the OpenAPI schema, the status and scale subresources and the printer columns of <c>kubectl get md</c>.
/// </summary>
public static class CrdGenerator
{
    /// <summary>The CRD's name, <c>modeldeployments.modeloperator.io</c>.</summary>
    public const string Name = ModelDeployment.Plural + "." + ModelDeployment.Group;

    /// <summary>Where the generated file is committed, relative to the repository root.</summary>
    public const string RelativePath = "crds/" + Name + ".yaml";

    /// <summary>The printer columns: what <c>kubectl get md</c> shows besides the name.</summary>
    public static IReadOnlyList<(string Name, string Type, string JsonPath, string Description)> PrinterColumns { get; } =
    [
        ("Model", "string", ".spec.model.name", "The model's name."),
        ("Version", "string", ".spec.model.version", "The model version in the spec."),
        ("Stable", "string", ".status.stableRevision.name", "The revision serving stable traffic."),
        ("Canary", "string", ".status.canaryRevision.name", "The revision being rolled out, if any."),
        ("Weight", "integer", ".status.canaryWeight", "The percentage of traffic sent to the canary."),
        ("Phase", "string", ".status.phase", "A one-word summary of the deployment's state."),
        ("Ready", "integer", ".status.readyReplicas", "Ready serving pods, stable and canary."),
        ("Age", "date", ".metadata.creationTimestamp", "How long ago the deployment was created."),
    ];

    /// <summary>The CRD as a JSON tree.</summary>
    public static JsonObject Generate()
    {
        var columns = new JsonArray();
        foreach (var (name, type, path, description) in PrinterColumns)
        {
            columns.Add(new JsonObject { ["name"] = name, ["type"] = type, ["jsonPath"] = path, ["description"] = description });
        }

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject
            {
                ["name"] = Name,
                ["labels"] = new JsonObject { [Labels.ManagedBy] = Labels.ManagedByValue },
            },
            ["spec"] = new JsonObject
            {
                ["group"] = ModelDeployment.Group,
                ["names"] = new JsonObject
                {
                    ["kind"] = ModelDeployment.KindName,
                    ["listKind"] = ModelDeployment.KindName + "List",
                    ["plural"] = ModelDeployment.Plural,
                    ["singular"] = ModelDeployment.Singular,
                    ["shortNames"] = new JsonArray(ModelDeployment.ShortName),
                    ["categories"] = new JsonArray("all"),
                },
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = ModelDeployment.Version,
                    ["served"] = true,
                    ["storage"] = true,
                    ["subresources"] = new JsonObject
                    {
                        ["status"] = new JsonObject(),
                        ["scale"] = new JsonObject
                        {
                            ["specReplicasPath"] = ".spec.replicas",
                            ["statusReplicasPath"] = ".status.replicas",
                            ["labelSelectorPath"] = ".status.selector",
                        },
                    },
                    ["additionalPrinterColumns"] = columns,
                    ["schema"] = new JsonObject { ["openAPIV3Schema"] = SchemaBuilder.ForType(typeof(ModelDeployment)) },
                }),
            },
        };
    }

    /// <summary>The CRD as the YAML text committed in <see cref="RelativePath"/>.</summary>
    public static string GenerateYaml() =>
        "# Generated from the C# types in operator/ModelOperator.Api by `make crds`. Do not edit by hand.\n" + YamlWriter.Write(Generate());
}
