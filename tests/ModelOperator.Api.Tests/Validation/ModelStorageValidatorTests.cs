using ModelOperator.Api.Validation;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Api.Tests.Validation;

public sealed class ModelStorageValidatorTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static ModelDeploymentSpec Spec(string uri, S3Storage? s3 = null, HttpStorage? http = null, params EnvVar[] env) => new()
    {
        Model = new ModelSource { Name = "churn", Version = "1", Uri = uri, Sha256 = Sha, S3 = s3, Http = http },
        Replicas = 1,
        Runtime = env.Length > 0 ? new RuntimeSpec { Env = env } : null,
    };

    private static readonly HttpStorage Token = new() { HeaderSecretRef = new() { Name = "model-token", Key = "authorization" } };

    public static TheoryData<string, string, string> Mistakes => new()
    {
        { "s3 settings on an https model", "spec.model.s3", "applies to s3:// URIs, but neither spec.model.uri nor spec.model.profile.uri is one" },
        { "http settings on an s3 model", "spec.model.http", "applies to http:// or https:// URIs" },
        { "endpoint with keys in it", "spec.model.s3.endpoint", "\"http://***@minio:9000\" is not an http(s) URL without credentials" },
        { "endpoint not a URL", "spec.model.s3.endpoint", "is not an http(s) URL" },
        { "header HTTP sets", "spec.model.http.headerName", "\"Host\" is set by HTTP itself" },
        { "header with a colon", "spec.model.http.headerName", "is not an HTTP header name; use letters, digits" },
        { "header without its secret", "spec.model.http.headerSecretRef", "is missing; name the Secret and key" },
        { "env sets the s3 key", "spec.runtime.env[0].name", "MODEL_S3_ACCESS_KEY_ID is set by the operator from spec.model.s3 or spec.model.http" },
        { "env sets the region s3.region sets", "spec.runtime.env[0].name", "AWS_REGION is set by the operator" },
        { "drain period not a duration", "spec.runtime.env[0].value", "DRAIN_PERIOD must be a literal value: a duration such as" },
        { "drain period from a Secret", "spec.runtime.env[0].value", "(not valueFrom)" },
        { "drain period over 10m", "spec.runtime.env[0].value", "from 0 to 10m" },
    };

    private static ModelDeploymentSpec Case(string name) => name switch
    {
        "s3 settings on an https model" => Spec("https://models.example.com/m.onnx", s3: new() { Region = "eu-west-1" }),
        "http settings on an s3 model" => Spec("s3://models/m.onnx", http: Token),
        "endpoint with keys in it" => Spec("s3://models/m.onnx", s3: new() { Endpoint = "http://AKIA:hunter2@minio:9000" }),
        "endpoint not a URL" => Spec("s3://models/m.onnx", s3: new() { Endpoint = "minio:9000" }),
        "header HTTP sets" => Spec("https://h/m.onnx", http: Token with { HeaderName = "Host" }),
        "header with a colon" => Spec("https://h/m.onnx", http: Token with { HeaderName = "Authorization:" }),
        "header without its secret" => Spec("https://h/m.onnx", http: new() { HeaderName = "X-Api-Key" }),
        "env sets the s3 key" => Spec("s3://models/m.onnx", new() { SecretRef = new() { Name = "s3-creds" } }, null, new EnvVar { Name = "MODEL_S3_ACCESS_KEY_ID", Value = "x" }),
        "env sets the region s3.region sets" => Spec("s3://models/m.onnx", new() { Region = "eu-west-1" }, null, new EnvVar { Name = "AWS_REGION", Value = "us-east-1" }),
        "drain period not a duration" => Spec("/m.onnx", null, null, new EnvVar { Name = "DRAIN_PERIOD", Value = "5" }),
        "drain period from a Secret" => Spec("/m.onnx", null, null, new EnvVar { Name = "DRAIN_PERIOD", ValueFrom = System.Text.Json.JsonDocument.Parse("""{"secretKeyRef":{"name":"x","key":"y"}}""").RootElement }),
        "drain period over 10m" => Spec("/m.onnx", null, null, new EnvVar { Name = "DRAIN_PERIOD", Value = "11m" }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Each_mistake_is_reported_on_its_field_with_what_is_allowed(string name, string path, string says)
    {
        var problems = ModelDeploymentValidator.Validate(new ModelDeployment { Metadata = new ObjectMeta { Name = "churn" }, Spec = Case(name) });

        var problem = Assert.Single(problems);
        Assert.Equal(path, problem.Path);
        Assert.Contains(says, problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_supported_way_to_reach_storage_is_valid()
    {
        var specs = new[]
        {
            Spec("s3://models/churn/1/model.onnx", new() { SecretRef = new() { Name = "s3-creds" }, AccessKeyIdKey = "id", SecretAccessKeyKey = "key", Region = "eu-west-1", Endpoint = "https://minio.storage:9000" }),
            Spec("s3://models/churn/1/model.onnx", new() { Region = "eu-west-1" }), // the pod's own identity (IRSA)
            Spec("https://models.example.com/churn.onnx", http: Token),
            Spec("https://models.example.com/churn.onnx", http: Token with { HeaderName = "X-Api-Key" }),
            Spec("/m.onnx", null, null, new EnvVar { Name = "DRAIN_PERIOD", Value = "20s" }),
            Spec("s3://models/m.onnx", null, null, new EnvVar { Name = "AWS_REGION", Value = "us-east-1" }), // without spec.model.s3.region, still the user's
        };

        foreach (var spec in specs)
        {
            Assert.Empty(ModelDeploymentValidator.Validate(new ModelDeployment { Metadata = new ObjectMeta { Name = "churn" }, Spec = spec }));
        }
    }
}
