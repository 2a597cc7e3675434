using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Health;
using ModelOperator.Operator.Reconciling;

namespace ModelOperator.Operator.Tests.Health;

public sealed class ModelReadinessTests
{
    [Theory]
    [InlineData(200, "", true, null, null)]
    [InlineData(200, "{\"ready\":true}", true, null, null)]
    [InlineData(503, "{\"ready\":false,\"reason\":\"ChecksumMismatch\",\"message\":\"sha256 is ab12, expected cd34\"}", false, "ChecksumMismatch", "sha256 is ab12, expected cd34")]
    [InlineData(503, "{\"ready\":false,\"reason\":\"Loading\"}", false, "Loading", null)]
    public void Ready_endpoint_answers_are_read(int status, string body, bool ready, string? reason, string? message)
    {
        var answer = HttpModelReadinessProbe.Parse(status, body);

        Assert.Equal(new ModelReadiness(ready, reason, message), answer);
    }

    [Theory]
    [InlineData(503, "")]
    [InlineData(503, "service unavailable")]
    [InlineData(503, "[1,2]")]
    [InlineData(503, "{\"ready\":false}")]
    [InlineData(503, "{\"ready\":false,\"reason\":42}")]
    [InlineData(404, "{\"ready\":false,\"reason\":\"\"}")]
    public void Unrecognisable_answers_are_unknown(int status, string body)
    {
        Assert.Null(HttpModelReadinessProbe.Parse(status, body));
    }

    [Fact]
    public void A_failure_word_wins_over_loading_and_the_first_pod_by_name_wins_among_failures()
    {
        var pods = new[] { Pod("m-c"), Pod("m-a"), Pod("m-b") };
        var readiness = new Dictionary<string, ModelReadiness>
        {
            ["m-a"] = new(false, "Loading", "fetching"),
            ["m-b"] = new(false, "ChecksumMismatch", "b differs"),
            ["m-c"] = new(false, "InvalidModel", "c is not onnx"),
        };

        var health = SnapshotBuilder.Health(pods, readiness);

        Assert.Equal("ChecksumMismatch", health.ModelReason);
        Assert.Equal("b differs", health.ModelMessage);
    }

    [Fact]
    public void Ready_answers_and_missing_answers_report_no_reason()
    {
        var pods = new[] { Pod("m-a"), Pod("m-b") };

        Assert.Null(SnapshotBuilder.Health(pods, new Dictionary<string, ModelReadiness> { ["m-a"] = new(true, null, null) }).ModelReason);
        Assert.Null(SnapshotBuilder.Health(pods).ModelReason);
        Assert.Equal("Loading", SnapshotBuilder.Health(pods, new Dictionary<string, ModelReadiness> { ["m-b"] = new(false, "Loading", null) }).ModelReason);
    }

    private static Pod Pod(string name) => new() { Metadata = new ObjectMeta { Name = name, Namespace = "ml" } };
}
