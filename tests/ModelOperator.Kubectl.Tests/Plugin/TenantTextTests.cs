using ModelOperator.Api;
using ModelOperator.Kubectl.Tests.Support;

namespace ModelOperator.Kubectl.Tests.Plugin;

/// <summary>
/// Given a ModelDeployment whose status carries text written to drive a terminal (ESC sequences that clear the screen
/// and set the title, CR, BEL, a C1 control, a right-to-left override, a line break), when the plugin prints it, then
/// the terminal receives none of those characters, only their visible escapes.
/// </summary>
public sealed class TenantTextTests
{
    private const string Hostile = "fine\u001b]0;owned\u0007\u001b[2J\rPhase:          Healthy\u009b31m\u202etxt.exe\nPaused:         no";

    [Fact]
    public async Task Status_history_and_watch_print_tenant_text_with_control_characters_escaped()
    {
        await using var bed = await PluginTestBed.StartAsync();
        var md = Fixtures.Canary();
        await bed.SeedAsync(md with
        {
            Status = md.Status! with
            {
                LastDecision = md.Status.LastDecision! with { Message = Hostile, Reason = "Odd\u001b[1m" },
                Conditions = [Fixtures.Cond(Conditions.Progressing, "True", Reasons.Progressing, Hostile)],
                CanaryRevision = md.Status.CanaryRevision! with { ModelVersion = "2\u001b[8m" },
            },
        });

        var status = (await bed.PluginAsync("status", "churn")).Succeeded();
        using var stop = new CancellationTokenSource();
        var watching = new CapturingWriter();
        var watch = bed.PluginAsync(watching, bed.Clock, stop.Token, "watch", "churn");
        var firstLine = await watching.WaitForAsync(t => t.Contains('\n', StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await watch;

        foreach (var printed in new[] { status.Stdout, firstLine })
        {
            Assert.DoesNotContain(printed, c => c is '\u001b' or '\r' or '\u0007' or '\u009b' or '\u202e');
            Assert.Contains(@"fine\x1b]0;owned\x07\x1b[2J\rPhase:", printed, StringComparison.Ordinal);
            Assert.Contains(@"\x9b31m\u202etxt.exe", printed, StringComparison.Ordinal);
        }

        // The condition table and the watch line are one line per entry: the line break shows as \n there.
        Assert.Contains(@"txt.exe\nPaused:", status.Stdout, StringComparison.Ordinal);
        Assert.Single(firstLine.TrimEnd('\n').Split('\n'));
        Assert.Contains(@"model version 2\x1b[8m", status.Stdout, StringComparison.Ordinal);
    }
}
