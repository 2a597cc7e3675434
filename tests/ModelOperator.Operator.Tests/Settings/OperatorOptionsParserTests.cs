using ModelOperator.Operator.Settings;

namespace ModelOperator.Operator.Tests.Settings;

public sealed class OperatorOptionsParserTests
{
    internal static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Defaults_are_valid_and_watch_all_namespaces_with_leader_election()
    {
        var options = OperatorOptionsParser.Parse([], Env(), out var problems);

        Assert.Empty(problems);
        Assert.Empty(options.WatchNamespaces);
        Assert.True(options.LeaderElection);
        Assert.Equal("modeloperator/modelserver:0.1.0", options.DefaultImage);
        Assert.Equal(TimeSpan.FromMinutes(5), options.ResyncPeriod);
    }

    [Fact]
    public void Environment_sets_values_and_a_flag_wins_over_the_environment()
    {
        var options = OperatorOptionsParser.Parse(
            ["--default-image", "registry.local/ms:2", "--resync-period=90s", "--leader-elect", "false"],
            Env(("DEFAULT_IMAGE", "ignored:1"), ("WATCH_NAMESPACE", "models"), ("HTTP_PORT", "9090"), ("MAX_RESTARTS", "7")),
            out var problems);

        Assert.Empty(problems);
        Assert.Equal("registry.local/ms:2", options.DefaultImage);
        Assert.Equal(["models"], options.WatchNamespaces);
        Assert.Equal(9090, options.HttpPort);
        Assert.Equal(TimeSpan.FromSeconds(90), options.ResyncPeriod);
        Assert.Equal(7, options.MaxRestarts);
        Assert.False(options.LeaderElection);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_naming_the_setting_and_what_is_allowed()
    {
        OperatorOptionsParser.Parse(
            ["--workers", "0", "--bogus", "--resync-period", "soon"],
            Env(("HTTP_PORT", "70000"), ("LEADER_ELECT", "maybe"), ("WATCH_NAMESPACE", "Not_A_Namespace")),
            out var problems);

        Assert.Contains(problems, p => p.StartsWith("unknown argument '--bogus'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("WORKERS (--workers) is '0'; it must be a whole number from 1 to 64", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("RESYNC_PERIOD (--resync-period) is 'soon'; it must be a duration", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("HTTP_PORT (--http-port) is '70000'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("LEADER_ELECT (--leader-elect) is 'maybe'; it must be true or false", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("WATCH_NAMESPACES (--watch-namespaces) is 'Not_A_Namespace'", StringComparison.Ordinal));
        Assert.Equal(6, problems.Count);
    }

    [Fact]
    public void The_admins_limits_on_tenants_are_read_and_off_by_default()
    {
        var defaults = OperatorOptionsParser.Parse([], Env(), out _);
        Assert.Empty(defaults.ImageAllowlist);
        Assert.False(defaults.AllowControlPlaneTolerations);

        var options = OperatorOptionsParser.Parse(["--allow-control-plane-tolerations=true"],
            Env(("IMAGE_ALLOWLIST", " registry.example.com/ml/ , ghcr.io/acme/modelserver,")), out var problems);

        Assert.Empty(problems);
        Assert.Equal(["registry.example.com/ml/", "ghcr.io/acme/modelserver"], options.ImageAllowlist);
        Assert.True(options.AllowControlPlaneTolerations);
    }

    [Fact]
    public void A_bad_allowlist_entry_or_opt_in_is_a_problem_naming_the_setting()
    {
        OperatorOptionsParser.Parse([], Env(("IMAGE_ALLOWLIST", "registry.example.com/ml/,bad image"), ("ALLOW_CONTROL_PLANE_TOLERATIONS", "yes")), out var problems);

        Assert.Contains(problems, p => p.Contains("IMAGE_ALLOWLIST (--image-allowlist) is 'registry.example.com/ml/,bad image'; it must be comma-separated image prefixes without spaces", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("ALLOW_CONTROL_PLANE_TOLERATIONS (--allow-control-plane-tolerations) is 'yes'; it must be true or false", StringComparison.Ordinal));
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void A_flag_without_a_value_is_a_problem()
    {
        OperatorOptionsParser.Parse(["--lease-name"], Env(), out var problems);

        Assert.Equal(["flag --lease-name needs a value"], problems);
    }

    [Theory]
    [InlineData("modeloperator.io/sandbox-port", true)]
    [InlineData("port", true)]
    [InlineData("Bad Key/port", false)]
    [InlineData("modeloperator.io/", false)]
    [InlineData("modeloperator.io/-port", false)]
    public void The_pod_port_annotation_must_be_an_annotation_key(string value, bool valid)
    {
        var options = OperatorOptionsParser.Parse(["--pod-port-annotation", value], Env(), out var problems);

        Assert.Equal(valid ? value : null, options.PodPortAnnotation); // a refused value is reported, never used
        Assert.Equal(valid, problems.Count == 0);
        if (!valid)
        {
            Assert.Contains("POD_PORT_ANNOTATION (--pod-port-annotation)", Assert.Single(problems), StringComparison.Ordinal);
        }
    }
}
