using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>The drain and storage-credential settings as the server reads them from its environment.</summary>
public sealed class StorageSettingsTests
{
    private static ServerOptions Parse(Dictionary<string, string> env, out List<string> errors)
    {
        env["MODEL_NAME"] = "churn";
        env["MODEL_URI"] = "s3://models/churn.onnx";
        return ServerOptionsParser.Parse([], name => env.GetValueOrDefault(name), out errors);
    }

    [Fact]
    public void Credentials_are_read_from_the_environment_and_never_printed()
    {
        var options = Parse(new()
        {
            ["MODEL_S3_ACCESS_KEY_ID"] = "AKIAFROMSECRET",
            ["MODEL_S3_SECRET_ACCESS_KEY"] = "s3-secret-value",
            ["MODEL_S3_CREDENTIALS_SECRET"] = "s3-creds",
            ["MODEL_HTTP_HEADER_NAME"] = "Authorization",
            ["MODEL_HTTP_HEADER_VALUE"] = "Bearer header-secret-value",
            ["MODEL_HTTP_HEADER_SECRET"] = "model-token",
            ["DRAIN_PERIOD"] = "1m30s",
        }, out var errors);

        Assert.Empty(errors);
        Assert.Equal("s3-secret-value", options.S3SecretAccessKey!.Reveal());
        Assert.Equal("Bearer header-secret-value", options.HttpHeaderValue!.Reveal());
        Assert.Equal(("s3-creds", "model-token"), (options.S3CredentialsSecret, options.HttpHeaderSecret));
        Assert.Equal(TimeSpan.FromSeconds(90), options.DrainPeriod);
        var printed = options.ToString();
        Assert.DoesNotContain("secret-value", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAFROMSECRET", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void The_drain_period_defaults_to_5s()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), Parse([], out _).DrainPeriod);
    }

    [Theory]
    [InlineData("DRAIN_PERIOD", "5", "DRAIN_PERIOD (--drain-period) is '5'; it must be a duration")]
    [InlineData("DRAIN_PERIOD", "11m", "to 10m")]
    [InlineData("MODEL_HTTP_HEADER_NAME", "Bad Header", "MODEL_HTTP_HEADER_NAME (--http-header-name) is 'Bad Header'; it must be an HTTP header name")]
    [InlineData("MODEL_HTTP_HEADER_NAME", "content-length", "that HTTP does not set itself")]
    [InlineData("MODEL_HTTP_HEADER_VALUE", "Bearer x", "MODEL_HTTP_HEADER_VALUE is set but MODEL_HTTP_HEADER_NAME is not")]
    public void A_bad_setting_names_itself_and_what_is_allowed(string variable, string value, string says)
    {
        Parse(new() { [variable] = value }, out var errors);

        Assert.Contains(errors, e => e.Contains(says, StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => variable == "MODEL_HTTP_HEADER_VALUE" && e.Contains(value, StringComparison.Ordinal));
    }
}
