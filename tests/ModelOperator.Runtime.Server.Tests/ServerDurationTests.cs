using System.Text.RegularExpressions;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Testing;

namespace ModelOperator.Runtime.Server.Tests;

/// <summary>
/// The operator copies <c>spec.runtime.batching.maxBatchDelay</c> verbatim into MAX_BATCH_DELAY, so every value the
/// CRD lets through must start the server with the same length, and every value it refuses must not start it either
/// (before one grammar, <c>1ms500us</c> passed the CRD and crash-looped the pods).
/// </summary>
public sealed class ServerDurationTests
{
    private static readonly Regex CrdPattern = new(MaxBatchDelayPatternFromCrd(), RegexOptions.CultureInvariant);

    public static TheoryData<string, long> AcceptedByTheCrd => new()
    {
        { "0", 0 },
        { "0s", 0 },
        { "1ms", TimeSpan.TicksPerMillisecond },
        { "500us", 5_000 },
        { "500µs", 5_000 },
        { "1ms500us", 15_000 },
        { "500000ns", 5_000 },
        { "1.5ms", 15_000 },
        { "0.25ms", 2_500 },
        { "1s", TimeSpan.TicksPerSecond },
        { "999ms1000us", TimeSpan.TicksPerSecond },
    };

    [Theory]
    [MemberData(nameof(AcceptedByTheCrd))]
    public void The_server_starts_with_every_delay_the_crd_accepts(string text, long ticks)
    {
        Assert.Matches(CrdPattern, text);

        var options = Parse(text, out var errors);

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromTicks(ticks), options.MaxBatchDelay);

        // And what the operator writes back (status, Events) reads the same way on the server.
        Assert.Equal(options.MaxBatchDelay, Parse(Contracts.GoDuration.Format(options.MaxBatchDelay), out errors).MaxBatchDelay);
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("1")]
    [InlineData("-1ms")]
    [InlineData("1 ms")]
    [InlineData(".5ms")]
    [InlineData("1.ms")]
    [InlineData("ms")]
    [InlineData("1msx")]
    [InlineData("PT0.001S")]
    public void The_server_refuses_what_the_crd_refuses(string text)
    {
        Assert.DoesNotMatch(CrdPattern, text);

        Parse(text, out var errors);

        var error = Assert.Single(errors);
        Assert.Contains($"MAX_BATCH_DELAY (--max-batch-delay) is '{text}'; it must be a duration such as 500ms", error, StringComparison.Ordinal);
        Assert.Contains("from 0s to 1s", error, StringComparison.Ordinal);
    }

    private static ServerOptions Parse(string maxBatchDelay, out List<string> errors) =>
        ServerOptionsParser.Parse(["--model-name", "m", "--model-uri", "m.onnx"], name => name == "MAX_BATCH_DELAY" ? maxBatchDelay : null, out errors);

    // The generated CRD itself, not a constant: what kube-apiserver will let through.
    private static string MaxBatchDelayPatternFromCrd()
    {
        var crd = RepositoryFiles.Read("crds/modeldeployments.modeloperator.io.yaml");
        var field = crd.IndexOf("maxBatchDelay:", StringComparison.Ordinal);
        var pattern = Regex.Match(crd[field..], @"\n\s+pattern: (\S+)\n");
        Assert.True(field >= 0 && pattern.Success, "the CRD names a pattern for maxBatchDelay");
        return pattern.Groups[1].Value;
    }
}
