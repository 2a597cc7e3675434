using ModelOperator.Api;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Children;
using ModelOperator.Operator.Settings;

namespace ModelOperator.Operator.Tests.Children;

/// <summary>spec.model.s3 / spec.model.http become the pod's environment, Secrets only by reference; the grace period covers the drain.</summary>
public sealed class ModelStorageEnvTests
{
    private static readonly OperatorOptions Options = new();

    private static PodSpec Pod(ModelSource model, RuntimeSpec? runtime = null)
    {
        var md = Samples.Churn(s => s with { Model = model, Runtime = runtime });
        return DeploymentBuilder.Build(md, Samples.Revision(md, "churn-0a1b2c3d4e", 2), Options).Spec!.Template!.Spec!;
    }

    private static Dictionary<string, string> Env(PodSpec pod) =>
        Assert.Single(pod.Containers!).Env!.ToDictionary(e => e.Name, e => e.Value ?? e.ValueFrom!.Value.GetRawText());

    [Fact]
    public void S3_keys_from_a_Secret_match_the_golden_file_and_are_only_referenced()
    {
        var model = new ModelSource
        {
            Name = "churn", Version = "2", Uri = "s3://models/churn/2/model.onnx", Sha256 = Samples.Sha,
            S3 = new S3Storage { SecretRef = new() { Name = "s3-creds" }, SecretAccessKeyKey = "secretKey", Region = "eu-west-1", Endpoint = "http://minio.storage:9000" },
        };
        var md = Samples.Churn(s => s with { Model = model, Runtime = null });

        var deployment = DeploymentBuilder.Build(md, Samples.Revision(md, "churn-0a1b2c3d4e", 2), Options);

        Golden.Verify("deployment-s3-secret.json", Samples.Json(deployment));
        var env = Env(deployment.Spec!.Template!.Spec!);
        Assert.Equal("""{"secretKeyRef":{"name":"s3-creds","key":"AWS_ACCESS_KEY_ID","optional":true}}""", env["MODEL_S3_ACCESS_KEY_ID"]);
        Assert.Equal("""{"secretKeyRef":{"name":"s3-creds","key":"secretKey","optional":true}}""", env["MODEL_S3_SECRET_ACCESS_KEY"]);
        Assert.Equal("s3-creds", env["MODEL_S3_CREDENTIALS_SECRET"]);
        Assert.Equal("eu-west-1", env["AWS_REGION"]);
        Assert.Equal("http://minio.storage:9000", env["S3_ENDPOINT"]);
    }

    [Fact]
    public void S3_with_the_pods_own_identity_sets_no_keys()
    {
        var env = Env(Pod(new ModelSource { Name = "churn", Version = "2", Uri = "s3://models/churn/2/model.onnx", Sha256 = Samples.Sha, S3 = new S3Storage { Region = "eu-west-1" } }));

        Assert.Equal("eu-west-1", env["AWS_REGION"]);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("MODEL_S3_", StringComparison.Ordinal));
    }

    [Fact]
    public void An_http_header_comes_from_its_Secret_key()
    {
        var env = Env(Pod(new ModelSource
        {
            Name = "churn", Version = "2", Uri = "https://models.example.com/churn.onnx", Sha256 = Samples.Sha,
            Http = new HttpStorage { HeaderSecretRef = new() { Name = "model-token", Key = "authorization" } },
        }));

        Assert.Equal("Authorization", env["MODEL_HTTP_HEADER_NAME"]);
        Assert.Equal("""{"secretKeyRef":{"name":"model-token","key":"authorization","optional":true}}""", env["MODEL_HTTP_HEADER_VALUE"]);
        Assert.Equal("model-token", env["MODEL_HTTP_HEADER_SECRET"]);
    }

    [Fact]
    public void The_grace_period_covers_the_default_drain_and_the_servers_shutdown()
    {
        var pod = Pod(new ModelSource { Name = "churn", Version = "2", Uri = "/m.onnx", Sha256 = Samples.Sha });

        Assert.Equal("5s", Env(pod)["DRAIN_PERIOD"]);
        Assert.Equal(5 + 25 + 5, pod.TerminationGracePeriodSeconds);
    }

    [Fact]
    public void A_drain_period_set_in_the_runtime_env_is_kept_and_lengthens_the_grace_period()
    {
        var pod = Pod(
            new ModelSource { Name = "churn", Version = "2", Uri = "/m.onnx", Sha256 = Samples.Sha },
            new RuntimeSpec { Env = [new EnvVar { Name = "DRAIN_PERIOD", Value = "20s" }] });

        Assert.Equal(["20s"], Assert.Single(pod.Containers!).Env!.Where(e => e.Name == "DRAIN_PERIOD").Select(e => e.Value));
        Assert.Equal(20 + 25 + 5, pod.TerminationGracePeriodSeconds);
    }
}
