using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>The server's settings table read by the shared reader: one bad value per setting, all at once, and --help.</summary>
public sealed class ServerSettingsTableTests
{
    /// <summary>A value each bounded setting must refuse. A new bounded setting fails <see cref="Every_bounded_setting_has_a_bad_value_here"/> until it has one.</summary>
    private static readonly Dictionary<string, string> BadValues = new(StringComparer.Ordinal)
    {
        ["MODEL_NAME"] = "bad name",
        ["MODEL_VERSION"] = "v 1",
        ["MODEL_SHA256"] = "xyz",
        ["PORT"] = "70000",
        ["METRICS_PORT"] = "-1",
        ["GRPC_PORT"] = "-1",
        ["MAX_REQUEST_BYTES"] = "10",
        ["MAX_REQUEST_BODY_BYTES"] = "1",
        ["MAX_BUFFERED_REQUEST_BYTES"] = "lots",
        ["MAX_MODEL_BYTES"] = "-1",
        ["MODEL_DOWNLOAD_TIMEOUT"] = "0",
        ["MODEL_DOWNLOAD_ATTEMPTS"] = "21",
        ["S3_ENDPOINT"] = "not a url",
        ["SHUTDOWN_TIMEOUT"] = "3601",
        ["DRAIN_PERIOD"] = "11m",
        ["MODEL_HTTP_HEADER_NAME"] = "Bad Header",
        ["LOG_FORMAT"] = "xml",
        ["MODEL_PROFILE_SHA256"] = "abc",
        ["DRIFT_WINDOW"] = "2d",
        ["DRIFT_BUCKET"] = "0s",
        ["DRIFT_PSI_THRESHOLD"] = "0",
        ["DRIFT_JS_THRESHOLD"] = "2",
        ["DRIFT_MIN_SAMPLES"] = "0",
        ["PREDICTION_BUCKETS"] = "1,0.5",
        ["MAX_BATCH_SIZE"] = "65537",
        ["MAX_BATCH_DELAY"] = "2s",
        ["MODEL_REVISION"] = "bad revision",
        ["SHADOW_QUEUE_CAPACITY"] = "0",
        ["SHADOW_TIMEOUT"] = "1m1s",
    };

    public static TheoryData<string> Settings => new(BadValues.Keys);

    private static Func<string, string?> Env(params (string Name, string Value)[] vars)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal) { ["MODEL_NAME"] = "churn", ["MODEL_URI"] = "m.onnx" };
        foreach (var (name, value) in vars)
        {
            all[name] = value;
        }

        return all.GetValueOrDefault;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void A_bad_value_is_one_problem_naming_the_setting_its_flag_and_what_is_allowed(string env)
    {
        var row = ServerOptionsParser.Table.Rows.Single(r => r.Env == env);

        ServerOptionsParser.Parse([], Env((env, BadValues[env])), out var errors);

        Assert.Equal([$"{row.Env} ({row.Flag}) is '{BadValues[env]}'; it must be {row.Allowed}"], errors);
    }

    [Fact]
    public void Every_bad_value_at_once_is_every_problem_listed()
    {
        ServerOptionsParser.Parse(["--bogus"], Env([.. BadValues.Select(b => (b.Key, b.Value))]), out var errors);

        Assert.Equal(BadValues.Count + 1, errors.Count);
        Assert.All(BadValues.Keys, env => Assert.Contains(errors, e => e.StartsWith(env + " (", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_bounded_setting_has_a_bad_value_here()
    {
        var bounded = ServerOptionsParser.Table.Rows.Where(r => r.Allowed != "a non-empty text").Select(r => r.Env);

        Assert.Empty(bounded.Except(BadValues.Keys));
    }

    [Fact]
    public void Help_lists_every_setting_with_its_flag_what_is_allowed_and_its_default()
    {
        var help = ServerOptionsParser.Usage;

        Assert.All(ServerOptionsParser.Table.Rows, r =>
        {
            Assert.Contains($"  {r.Flag}, {r.Env}", help, StringComparison.Ordinal);
            Assert.Contains(r.Help, help, StringComparison.Ordinal);
        });
        Assert.Contains("A whole number from 0 to 65535; default: 8080", help, StringComparison.Ordinal);
        Assert.Contains("default: 1ms", help, StringComparison.Ordinal); // MAX_BATCH_DELAY, in the duration grammar
    }

    [Fact]
    public void The_aws_sdks_variables_are_read_when_the_servers_own_are_not_set()
    {
        var options = ServerOptionsParser.Parse([], Env(("AWS_ENDPOINT_URL", "http://127.0.0.1:9000"), ("AWS_DEFAULT_REGION", "eu-west-1")), out var errors);

        Assert.Empty(errors);
        Assert.Equal(("http://127.0.0.1:9000", "eu-west-1"), (options.S3Endpoint, options.S3Region));
    }
}
