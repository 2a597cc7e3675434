using System.Collections.Concurrent;
using System.Net;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>s3:// credentials in each mode, against the local S3 and STS stand-in.</summary>
public sealed class S3CredentialsTests
{
    private const string ModelUri = "s3://models/churn/1/model.onnx";
    private const string SecretKey = "wJalrXUtnFEMI-secret-from-the-Secret";

    private static ServerOptions WithKeys(ServerOptions o, S3StandIn s3, string? keyId, string? secretKey) => o with
    {
        ModelUri = ModelUri,
        ModelSha256 = ModelLoadingTests.ChurnSha256,
        S3Endpoint = s3.Url,
        S3AccessKeyId = keyId is null ? null : new SecretText(keyId),
        S3SecretAccessKey = secretKey is null ? null : new SecretText(secretKey),
        S3CredentialsSecret = "s3-creds",
        DownloadAttempts = 1,
    };

    [Fact]
    public async Task Keys_from_a_Secret_sign_the_download()
    {
        await using var s3 = await S3StandIn.StartAsync(ServerFixture.ModelPath("churn", 1), accessKeyId: "AKIAFROMSECRET");

        await using var server = await ServerFixture.StartAsync(o => WithKeys(o, s3, "AKIAFROMSECRET", SecretKey));

        Assert.True(server.Settled.Ready, server.Settled.Message);
        var request = Assert.Single(s3.Requests);
        Assert.Equal(("GET", "/models/churn/1/model.onnx", "AKIAFROMSECRET"), (request.Method, request.Path, request.AccessKeyId));
    }

    [Theory]
    [InlineData(null, SecretKey, "access key id")]
    [InlineData("AKIAFROMSECRET", null, "secret access key")]
    public async Task A_key_missing_from_the_Secret_is_DownloadFailed_naming_the_Secret_without_asking_another_identity(string? keyId, string? secretKey, string missing)
    {
        await using var s3 = await S3StandIn.StartAsync(ServerFixture.ModelPath("churn", 1), accessKeyId: "AKIAFROMSECRET");

        await using var server = await ServerFixture.StartAsync(o => WithKeys(o, s3, keyId, secretKey));

        await ModelLoadingTests.AssertNotReadyAsync(server, ModelLoadReason.DownloadFailed, $"the S3 {missing} from keys from Secret \"s3-creds\" is missing or empty");
        Assert.Empty(s3.Requests);
    }

    [Fact]
    public async Task A_wrong_key_is_DownloadFailed_with_S3s_reason_and_the_secret_is_shown_nowhere()
    {
        await using var s3 = await S3StandIn.StartAsync(ServerFixture.ModelPath("churn", 1), accessKeyId: "AKIAFROMSECRET");
        var logs = new ConcurrentQueue<string>();

        await using var server = await ServerFixture.StartAsync(o => WithKeys(o, s3, "AKIAWRONG", SecretKey), logs);

        await ModelLoadingTests.AssertNotReadyAsync(server, ModelLoadReason.DownloadFailed, "access denied (InvalidAccessKeyId) with keys from Secret \"s3-creds\"");
        var shown = await ShownAsync(server) + string.Join('\n', logs) + server.Options;
        Assert.Contains("InvalidAccessKeyId", string.Join('\n', logs), StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pods_own_identity_exchanges_the_web_identity_token_file_as_on_EKS()
    {
        const string token = "eyJhbGciOiJSUzI1NiJ9.projected-service-account-token";
        const string role = "arn:aws:iam::123456789012:role/model-reader";
        await using var s3 = await S3StandIn.StartAsync(ServerFixture.ModelPath("churn", 1), webIdentityToken: token, roleArn: role);
        var tokenFile = Path.Combine(Path.GetTempPath(), $"web-identity-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(tokenFile, token);
        try
        {
            // What the EKS pod identity webhook injects, with STS and S3 at the stand-in; no keys anywhere.
            await using var server = ServerProcess.Start(new Dictionary<string, string>
            {
                ["MODEL_NAME"] = "churn",
                ["MODEL_URI"] = ModelUri,
                ["MODEL_SHA256"] = ModelLoadingTests.ChurnSha256,
                ["MODEL_DOWNLOAD_ATTEMPTS"] = "1",
                ["MODEL_CACHE_DIR"] = Path.Combine(Path.GetTempPath(), "modelserver-tests", Guid.NewGuid().ToString("N")),
                ["S3_ENDPOINT"] = s3.Url,
                ["AWS_REGION"] = "eu-west-1",
                ["AWS_ROLE_ARN"] = role,
                ["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile,
                ["AWS_ENDPOINT_URL_STS"] = s3.Url,
                ["AWS_EC2_METADATA_DISABLED"] = "true", // never ask an instance metadata address from a test
            });

            await server.WaitForLineAsync("is ready");

            Assert.Contains(s3.Requests, r => r is { Method: "POST", Path: "AssumeRoleWithWebIdentity" });
            Assert.Contains(s3.Requests, r => r is { Method: "GET", AccessKeyId: S3StandIn.IssuedAccessKeyId, SessionToken: S3StandIn.IssuedSessionToken });
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    /// <summary>Everything the server shows: its answers and its metrics.</summary>
    internal static async Task<string> ShownAsync(ServerFixture server)
    {
        var answers = new List<string> { await server.Client.GetStringAsync("/metrics") };
        foreach (var path in new[] { "/v2/health/ready", "/v2/models/churn", "/v2/models/churn/ready", "/v2/models/churn/stats" })
        {
            using var response = await server.Client.GetAsync(path);
            answers.Add(await response.Content.ReadAsStringAsync());
        }

        using var infer = await server.PostJsonAsync(MalformedRequestCorpus.InferPath, MalformedRequestCorpus.Good);
        answers.Add(await infer.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, infer.StatusCode);
        return string.Join('\n', answers);
    }
}
