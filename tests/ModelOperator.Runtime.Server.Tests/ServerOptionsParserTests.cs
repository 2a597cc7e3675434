using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Runtime.Server.Tests;

public sealed class ServerOptionsParserTests
{
    private static ServerOptions Parse(Dictionary<string, string> env, string[] args, out List<string> errors) =>
        ServerOptionsParser.Parse(args, name => env.GetValueOrDefault(name), out errors);

    [Fact]
    public void Environment_variables_configure_the_server_and_flags_override_them()
    {
        var env = new Dictionary<string, string>
        {
            ["MODEL_NAME"] = "churn",
            ["MODEL_URI"] = "s3://bucket/churn.onnx",
            ["MODEL_VERSION"] = "3",
            ["PORT"] = "9000",
            ["MODEL_SHA256"] = new string('A', 64),
            ["AWS_ENDPOINT_URL_S3"] = "http://127.0.0.1:9000",
        };

        var options = Parse(env, ["--port", "9100", "--model-version=4"], out var errors);

        Assert.Empty(errors);
        Assert.Equal("churn", options.ModelName);
        Assert.Equal("4", options.ModelVersion);
        Assert.Equal(9100, options.Port);
        Assert.Equal(new string('a', 64), options.ModelSha256);
        Assert.Equal("http://127.0.0.1:9000", options.S3Endpoint);
        Assert.Null(options.MaxRequestBytes);
    }

    [Fact]
    public void Defaults_apply_when_only_the_required_settings_are_given()
    {
        var options = Parse([], ["--model-name", "churn", "--model-uri", "m.onnx"], out var errors);

        Assert.Empty(errors);
        Assert.Equal(8080, options.Port);
        Assert.Equal("1", options.ModelVersion);
        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal(64L << 20, options.MaxRequestBodyBytes);
        Assert.Equal(256L << 20, options.MaxBufferedRequestBytes);
        Assert.Equal(2L << 30, options.MaxModelBytes);
    }

    [Fact]
    public void Memory_and_disk_bounds_are_configurable_beyond_the_int_range()
    {
        var env = new Dictionary<string, string>
        {
            ["MAX_REQUEST_BODY_BYTES"] = "1048576",
            ["MAX_BUFFERED_REQUEST_BYTES"] = "8589934592",
            ["MAX_MODEL_BYTES"] = "10737418240",
        };

        var options = Parse(env, ["--model-name", "churn", "--model-uri", "m.onnx"], out var errors);

        Assert.Empty(errors);
        Assert.Equal(1L << 20, options.MaxRequestBodyBytes);
        Assert.Equal(8L << 30, options.MaxBufferedRequestBytes);
        Assert.Equal(10L << 30, options.MaxModelBytes);
    }

    [Theory]
    [InlineData(new string[0], "MODEL_URI (--model-uri) is required")]
    [InlineData(new[] { "--model-uri", "m.onnx" }, "MODEL_NAME (--model-name) is required")]
    [InlineData(new[] { "--model-uri", "m.onnx", "--model-name", "bad name" }, "MODEL_NAME (--model-name) is 'bad name'; it must be 1-63 characters of a-z")]
    [InlineData(new[] { "--model-uri", "m.onnx", "--model-name", "m", "--port", "70000" }, "PORT (--port) is '70000'; it must be a whole number from 0 to 65535")]
    [InlineData(new[] { "--model-uri", "m.onnx", "--model-name", "m", "--port", "abc" }, "PORT (--port) is 'abc'; it must be a whole number")]
    [InlineData(new[] { "--model-uri", "m.onnx", "--model-name", "m", "--model-sha256", "xyz" }, "MODEL_SHA256 (--model-sha256) is 'xyz'; it must be a sha256 digest, 64 hexadecimal characters")]
    [InlineData(new[] { "--model-uri", "m.onnx", "--model-name", "m", "--log-format", "xml" }, "LOG_FORMAT (--log-format) is 'xml'; it must be one of text, json")]
    [InlineData(new[] { "--model-uri", "m.onnx", "--model-name", "m", "--frobnicate" }, "unknown argument '--frobnicate'; run modelserver --help")]
    [InlineData(new[] { "--model-uri" }, "flag --model-uri needs a value")]
    [InlineData(new[] { "--model-uri", "m.onnx", "--model-name", "m", "--max-model-bytes", "-1" }, "MAX_MODEL_BYTES (--max-model-bytes) is '-1'; it must be a whole number of bytes from 1024")]
    [InlineData(new[] { "--model-uri", "m.onnx", "--model-name", "m", "--max-request-body-bytes", "10" }, "MAX_REQUEST_BODY_BYTES (--max-request-body-bytes) is '10'")]
    [InlineData(new[] { "--model-uri", "m.onnx", "--model-name", "m", "--s3-endpoint", "not a url" }, "S3_ENDPOINT (--s3-endpoint) is 'not a url'; it must be an absolute URL")]
    public void Bad_settings_are_reported_with_what_is_allowed(string[] args, string expected)
    {
        Parse([], args, out var errors);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }
}
