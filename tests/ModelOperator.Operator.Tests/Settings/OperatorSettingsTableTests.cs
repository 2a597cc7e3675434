using ModelOperator.Operator.Settings;

namespace ModelOperator.Operator.Tests.Settings;

/// <summary>The operator's settings table read by the shared reader: one bad value per setting, all at once, and --help.</summary>
public sealed class OperatorSettingsTableTests
{
    /// <summary>A value each bounded setting must refuse. A new bounded setting fails <see cref="Every_bounded_setting_has_a_bad_value_here"/> until it has one.</summary>
    private static readonly Dictionary<string, string> BadValues = new(StringComparer.Ordinal)
    {
        ["DEFAULT_IMAGE"] = "model server:1",
        ["WATCH_NAMESPACES"] = "team-a,Team_B",
        ["LEADER_ELECT"] = "maybe",
        ["LEASE_NAME"] = "Lease!",
        ["LEASE_NAMESPACE"] = "-ops",
        ["HTTP_PORT"] = "65536",
        ["RESYNC_PERIOD"] = "500ms",
        ["WORKERS"] = "65",
        ["MAX_RESTARTS"] = "-1",
        ["ANALYSIS_TIMEOUT"] = "6m",
        ["MODELSERVER_PORT"] = "0",
        ["POD_PORT_ANNOTATION"] = "Bad Key/port",
        ["IMAGE_ALLOWLIST"] = "registry.example.com/ml/,bad image",
        ["ALLOW_CONTROL_PLANE_TOLERATIONS"] = "yes",
        ["MODELSERVER_METRICS_PORT"] = "70000",
        ["MAX_RESPONSE_BYTES"] = "1023",
        ["OUTBOUND_CONCURRENCY"] = "0",
        ["OUTBOUND_DEADLINE"] = "11m",
        ["OUTBOUND_MAX_CONNECTIONS_PER_SERVER"] = "257",
    };

    public static TheoryData<string> Settings => new(BadValues.Keys);

    [Theory]
    [MemberData(nameof(Settings))]
    public void A_bad_value_is_one_problem_naming_the_setting_its_flag_and_what_is_allowed(string env)
    {
        var row = OperatorOptionsParser.Table.Rows.Single(r => r.Env == env);

        OperatorOptionsParser.Parse([], OperatorOptionsParserTests.Env((env, BadValues[env])), out var problems);

        Assert.Equal([$"{row.Env} ({row.Flag}) is '{BadValues[env]}'; it must be {row.Allowed}"], problems);
    }

    [Fact]
    public void Every_bad_value_at_once_is_every_problem_listed()
    {
        OperatorOptionsParser.Parse([], OperatorOptionsParserTests.Env([.. BadValues.Select(b => (b.Key, b.Value))]), out var problems);

        Assert.Equal(BadValues.Count, problems.Count);
        Assert.All(BadValues.Keys, env => Assert.Contains(problems, p => p.StartsWith(env + " (", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_bounded_setting_has_a_bad_value_here()
    {
        var bounded = OperatorOptionsParser.Table.Rows.Where(r => r.Allowed is not ("a non-empty text" or "a comma-separated list")).Select(r => r.Env);

        Assert.Empty(bounded.Except(BadValues.Keys));
    }

    [Fact]
    public void Help_lists_every_setting_with_its_flag_what_is_allowed_and_its_default()
    {
        var help = OperatorOptionsParser.Usage();

        Assert.All(OperatorOptionsParser.Table.Rows, r =>
        {
            Assert.Contains($"  {r.Flag}, {r.Env}", help, StringComparison.Ordinal);
            Assert.Contains(r.Help, help, StringComparison.Ordinal);
        });
        Assert.Contains("  --watch-namespaces, WATCH_NAMESPACES (or WATCH_NAMESPACE)", help, StringComparison.Ordinal);
        Assert.Contains("A whole number from 1 to 64; default: 2", help, StringComparison.Ordinal);
        Assert.Contains("default: 5m", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("team-a", new[] { "team-a" })]
    [InlineData("team-a, team-b,", new[] { "team-a", "team-b" })]
    public void Watch_namespaces_is_a_list_and_empty_is_all(string value, string[] expected)
    {
        var options = OperatorOptionsParser.Parse(["--watch-namespaces", value], OperatorOptionsParserTests.Env(), out var problems);

        Assert.Empty(problems);
        Assert.Equal(expected, options.WatchNamespaces);
    }
}
