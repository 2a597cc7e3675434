using System.Text.Json;
using ModelOperator.Api.Validation;

namespace ModelOperator.Api.Tests.Kubectl;

/// <summary>spec.model.s3 and spec.model.http through the generated CRD, applied with the real kubectl.</summary>
public sealed class ModelStorageKubectlTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static string Manifest(string storage) => $$$"""
        {"apiVersion":"modeloperator.io/v1alpha1","kind":"ModelDeployment","metadata":{"name":"churn"},
         "spec":{"model":{"name":"churn","version":"1","uri":"s3://models/churn/1/model.onnx","sha256":"{{{Sha}}}",
                          "profile":{"uri":"https://models.example.com/churn/1/profile.json","sha256":"{{{Sha}}}"},{{{storage}}}},
                 "replicas":2}}
        """;

    [Fact]
    public async Task Storage_settings_apply_with_their_defaults_and_pass_the_operators_validation()
    {
        await using var h = await ModelDeploymentKubectlTests.StartWithCrdAsync();

        (await h.Kubectl.RunWithInputAsync(
            Manifest("""
                "s3":{"secretRef":{"name":"model-store"},"region":"eu-west-1","endpoint":"http://minio.storage:9000"},
                "http":{"headerSecretRef":{"name":"model-token","key":"authorization"}}
                """),
            "apply", "-f", "-")).EnsureSuccess();

        var json = (await h.Kubectl.RunAsync("get", "md", "churn", "-o", "json")).EnsureSuccess().Stdout;
        var stored = JsonSerializer.Deserialize(json, ModelDeployment.JsonTypeInfo)!;
        var model = stored.Spec!.Model!;
        Assert.Equal(("model-store", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"), (model.S3!.SecretRef!.Name, model.S3.AccessKeyIdKey, model.S3.SecretAccessKeyKey));
        Assert.Equal(("Authorization", "model-token", "authorization"), (model.Http!.HeaderName, model.Http.HeaderSecretRef!.Name, model.Http.HeaderSecretRef.Key));
        Assert.Empty(ModelDeploymentValidator.Validate(stored));

        var explain = (await h.Kubectl.RunAsync("explain", "md.spec.model.s3.secretRef")).EnsureSuccess().Stdout;
        Assert.Contains("holding the access keys", explain.Replace('\n', ' ').Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"http\":{\"headerName\":\"X-Api-Key\"}", "spec.model.http.headerSecretRef", "Required value")]
    [InlineData("\"s3\":{\"secretRef\":{\"name\":\"Model_Store\"}}", "spec.model.s3.secretRef.name", "should match")]
    [InlineData("\"s3\":{\"region\":\"eu west 1\"}", "spec.model.s3.region", "should match")]
    [InlineData("\"s3\":{\"accessKey\":\"AKIA\"}", "spec.model.s3.accessKey", "unknown field")]
    public async Task A_bad_storage_setting_is_rejected_naming_the_field(string storage, string field, string message)
    {
        await using var h = await ModelDeploymentKubectlTests.StartWithCrdAsync();

        var result = await h.Kubectl.RunWithInputAsync(Manifest(storage), "apply", "-f", "-");

        Assert.True(result.ExitCode != 0, result.Stdout);
        Assert.Contains(field, result.Stderr, StringComparison.Ordinal);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }
}
