using System.Text.Json;
using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Settings;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Operator.Tests.Children;

internal static class Samples
{
    public const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static ModelDeployment Churn(Func<ModelDeploymentSpec, ModelDeploymentSpec>? change = null)
    {
        var spec = new ModelDeploymentSpec
        {
            Model = new ModelSource { Name = "churn", Version = "2", Uri = "pvc://models/churn/2/model.onnx", Sha256 = Sha, Profile = new ModelProfile { Uri = "s3://profiles/churn/2/profile.json", Sha256 = Sha } },
            Runtime = new RuntimeSpec
            {
                Resources = new ResourceRequirements { Requests = new Dictionary<string, string> { ["cpu"] = "500m", ["memory"] = "512Mi" } },
                Env = [new EnvVar { Name = "DRIFT_WINDOW", Value = "10m" }],
                Batching = new BatchingSpec { MaxBatchSize = 32, MaxBatchDelay = "2ms" },
                NodeSelector = new Dictionary<string, string> { ["pool"] = "inference" },
                Tolerations = [new Toleration { Key = "dedicated", Operator = "Equal", Value = "inference", Effect = "NoSchedule" }],
            },
            Replicas = 3,
        };
        return new ModelDeployment
        {
            Metadata = new ObjectMeta { Name = "churn", Namespace = "ml", Uid = "11111111-2222-3333-4444-555555555555", Generation = 1 },
            Spec = change is null ? spec : change(spec),
        };
    }

    /// <summary>The stable revision <paramref name="name"/> of <paramref name="md"/>'s spec, resolved as the planner resolves it
    /// (the default image of <see cref="OperatorOptions"/> when the spec names none).</summary>
    public static DesiredRevision Revision(ModelDeployment md, string name, int replicas) =>
        new(name, RevisionRole.Stable, replicas, RevisionSpec.Resolve(name, md.Spec!.Model!, md.Spec.Runtime, new OperatorOptions().DefaultImage));

    public static string Json<T>(T value)
        where T : class, IKubernetesObject<T> =>
        JsonSerializer.Serialize(JsonSerializer.SerializeToElement(value, T.JsonTypeInfo), new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
}
