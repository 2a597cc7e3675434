using System.Globalization;
using System.Text.Json;
using ModelOperator.Api.Validation;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api.Tests.Validation;

/// <summary>
/// The operator records each revision's model and runtime as JSON in an annotation of its Deployment, and the API server
/// refuses a Deployment whose annotations pass 256 KiB. The bounds of the schema and the validator must keep the largest
/// valid spec under that, or a ModelDeployment could be valid and yet never run.
/// </summary>
public sealed class RevisionSpecSizeTests
{
    private const int AnnotationLimit = 256 * 1024;

    [Fact]
    public void The_largest_valid_model_and_runtime_fit_the_revision_annotation()
    {
        // Given every string, list and map of spec.model and spec.runtime at its bound, and the object still valid
        var md = ModelDeploymentValidatorTests.Spec(ModelDeploymentValidatorTests.Valid, s => s with { Model = LargestModel(s.Model!), Runtime = LargestRuntime() });
        var problems = ModelDeploymentValidator.Validate(md);
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        // When it is written as the operator writes it (DeploymentBuilder's revision-spec annotation)
        var json = JsonSerializer.Serialize(new ModelDeploymentSpec { Model = md.Spec!.Model, Runtime = md.Spec.Runtime }, ModelDeploymentJsonContext.Default.ModelDeploymentSpec);

        // Then it leaves room under the limit (measured 2026-12-04: 241 277 characters of 262 144)
        Assert.True(json.Length < AnnotationLimit - 16 * 1024, $"the largest revision spec is {json.Length} characters; the API server allows {AnnotationLimit} for all annotations");
    }

    private static ModelSource LargestModel(ModelSource model) => model with
    {
        Uri = "s3://b/" + new string('k', ModelSource.MaxUriLength - 7),
        Profile = new ModelProfile { Uri = "s3://b/" + new string('p', ModelSource.MaxUriLength - 7), Sha256 = model.Sha256 },
    };

    private static RuntimeSpec LargestRuntime() => new()
    {
        Image = "registry.example.com/" + new string('i', 512 - 21),
        Resources = new ResourceRequirements { Requests = Quantities(), Limits = Quantities() },
        Env = [.. Enumerable.Range(0, 64).Select(i => new EnvVar { Name = Pad("V" + Index(i), 256, 'A'), Value = new string('v', 2048) })],
        Batching = new BatchingSpec { MaxBatchSize = 65536, MaxBatchDelay = "999999us" },
        NodeSelector = Enumerable.Range(0, 32).ToDictionary(QualifiedKey, _ => new string('v', 63)),
        Tolerations = [.. Enumerable.Range(0, 32).Select(i => new Toleration { Key = QualifiedKey(i), Operator = "Equal", Value = new string('v', 63), Effect = "NoExecute", TolerationSeconds = long.MaxValue })],
        EnvFrom = [.. Enumerable.Range(0, 8).Select(i => new EnvFromSource { Prefix = Pad("P" + Index(i), 255, 'a') + "_", ConfigMapRef = new EnvSourceReference { Name = DnsName(i), Optional = true } })],
        ServiceAccountName = DnsName(0),
        ImagePullSecrets = [.. Enumerable.Range(0, 8).Select(i => new LocalObjectReference { Name = DnsName(i) })],
        Affinity = new Affinity { NodeAffinity = new NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelectorRules { NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new NodeSelectorRequirement { Key = "zone", Operator = "In", Values = Fill(8192 - 200) }] }] } } },
        TopologySpreadConstraints = [new TopologySpreadConstraint { MaxSkew = 1, TopologyKey = "zone", WhenUnsatisfiable = "DoNotSchedule", MatchLabelKeys = Fill(8192 - 200) }],
        PriorityClassName = DnsName(1),
        Labels = Enumerable.Range(0, 16).ToDictionary(QualifiedKey, _ => new string('v', 63)),
        Annotations = Enumerable.Range(0, 16).ToDictionary(QualifiedKey, _ => new string('v', 512)),
        DisruptionBudget = new DisruptionBudgetSpec { MinAvailable = "100%" },
    };

    private static Dictionary<string, string> Quantities() =>
        Enumerable.Range(0, 16).ToDictionary(QualifiedKey, _ => "1" + new string('0', 63));

    /// <summary>Strings of 63 characters, as many as fit in about <paramref name="length"/> characters of JSON.</summary>
    private static List<string> Fill(int length) =>
        [.. Enumerable.Range(0, length / 66).Select(i => Pad("v" + Index(i), 63, 'x'))];

    /// <summary>A label key of 317 characters: a 253-character DNS prefix, '/', a 63-character name ending in the index.</summary>
    private static string QualifiedKey(int i) => DnsName(0) + "/" + Pad("n", 60, 'x') + Index(i);

    /// <summary>A DNS subdomain of 253 characters ending in the index.</summary>
    private static string DnsName(int i) =>
        string.Join('.', new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 58)) + Index(i);

    private static string Index(int i) => i.ToString("D3", CultureInfo.InvariantCulture);

    private static string Pad(string start, int length, char with) => start + new string(with, length - start.Length);
}
