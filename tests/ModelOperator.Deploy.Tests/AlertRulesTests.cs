using ModelOperator.Testing;

namespace ModelOperator.Deploy.Tests;

/// <summary>
/// The alert and recording rules (deploy/prometheus) judged by the real promtool (Debian's
/// prometheus package): they parse, and the unit tests with cases that fire and cases that
/// must not all pass.
/// </summary>
public sealed class AlertRulesTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "deploy", "prometheus");

    private static (int Exit, string Output) Run(params string[] args) => Promtool.Run(Folder, args);

    [Fact]
    public void The_rules_pass_promtool_check_rules()
    {
        var (exit, output) = Run("check", "rules", "modeloperator-rules.yml");

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rule_unit_tests_pass_promtool_test_rules()
    {
        var (exit, output) = Run("test", "rules", "modeloperator-rules.test.yml");

        Assert.True(exit == 0, output);
    }

    [Fact]
    public void Every_alert_has_a_unit_test_case()
    {
        var rules = File.ReadAllText(Path.Combine(Folder, "modeloperator-rules.yml"));
        var tests = File.ReadAllText(Path.Combine(Folder, "modeloperator-rules.test.yml"));
        var alerts = rules.Split('\n').Where(l => l.TrimStart().StartsWith("- alert:", StringComparison.Ordinal))
            .Select(l => l.Split(':', 2)[1].Trim()).ToList();

        Assert.NotEmpty(alerts);
        Assert.All(alerts, a => Assert.Contains($"alertname: {a}", tests, StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_expectation_makes_promtool_test_rules_fail_so_the_check_can_fail()
    {
        var broken = Path.Combine(Folder, $"broken-{Guid.NewGuid():N}.test.yml");
        File.WriteAllText(broken, File.ReadAllText(Path.Combine(Folder, "modeloperator-rules.test.yml"))
            .Replace("alertname: ModelOperatorNoLeader\n        exp_alerts: []", "alertname: ModelOperatorNoLeader\n        exp_alerts: [{exp_labels: {severity: critical}}]", StringComparison.Ordinal));
        try
        {
            var (exit, _) = Run("test", "rules", Path.GetFileName(broken));

            Assert.NotEqual(0, exit);
        }
        finally
        {
            File.Delete(broken);
        }
    }
}
