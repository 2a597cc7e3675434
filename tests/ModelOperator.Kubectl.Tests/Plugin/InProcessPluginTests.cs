using ModelOperator.Api;
using ModelOperator.Kubectl.Tests.Support;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubectl.Tests.Plugin;

/// <summary>Given objects in an in-memory API server, when the plugin's entry point runs, then output and the objects show the effect.</summary>
public sealed class InProcessPluginTests
{
    [Fact]
    public async Task Status_prints_what_the_operator_wrote_in_status()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Fixtures.Canary());

        var result = (await bed.PluginAsync("status", "churn")).Succeeded();

        Assert.Contains("Phase:          Progressing", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("canary  churn-bbbbbbbbbb  model version 2  10%", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Step:           2/5 (analysis), started 3m ago", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("evidence: errorRate 0.002 (threshold 0.01) over 1m, 1234 samples", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task The_namespace_comes_from_the_kubeconfig_context_unless_n_names_one()
    {
        await using var bed = await PluginTestBed.StartAsync(contextNamespace: "serving");
        await bed.SeedAsync(Fixtures.RolledBack(ns: "serving"));
        await bed.SeedAsync(Fixtures.Baking(ns: "default"));

        var fromContext = (await bed.PluginAsync("status", "churn")).Succeeded();
        var fromFlag = (await bed.PluginAsync("status", "churn", "-n", "default")).Succeeded();

        Assert.Contains("Namespace:      serving", fromContext.Stdout, StringComparison.Ordinal);
        Assert.Contains("Phase:          RolledBack", fromContext.Stdout, StringComparison.Ordinal);
        Assert.Contains("Namespace:      default", fromFlag.Stdout, StringComparison.Ordinal);
        Assert.Contains("Bake:", fromFlag.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_object_is_an_error_on_stderr_with_exit_code_1()
    {
        await using var bed = await PluginTestBed.StartAsync();

        var result = await bed.PluginAsync("status", "nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.StartsWith("Error from server (NotFound): modeldeployments.modeloperator.io \"nope\" not found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promote_sets_the_action_annotation_and_nothing_else()
    {
        await using var bed = await PluginTestBed.StartAsync();
        var before = await bed.SeedAsync(Fixtures.Canary());

        var result = (await bed.PluginAsync("promote", "churn", "--full")).Succeeded();

        var after = await bed.GetAsync("churn");
        Assert.Equal(ManualActions.Promote, after.Metadata.Annotations![Annotations.Action]);
        Assert.False(after.Metadata.Annotations.ContainsKey(Annotations.UndoRevision));
        Assert.Equal(before.Metadata.Generation, after.Metadata.Generation); // the spec is untouched
        Assert.StartsWith("modeldeployment.modeloperator.io/churn: promote requested (annotation modeloperator.io/action=promote)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promote_without_a_canary_fails_and_writes_nothing()
    {
        await using var bed = await PluginTestBed.StartAsync();
        var before = await bed.SeedAsync(Fixtures.Healthy());

        var result = await bed.PluginAsync("promote", "churn");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: promote-step: no canary is running for churn", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(before.Metadata.ResourceVersion, (await bed.GetAsync("churn")).Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Undo_to_a_revision_writes_the_action_and_the_revision_number()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Fixtures.ThreePromotions());

        var result = (await bed.PluginAsync("undo", "churn", "--to-revision", "1")).Succeeded();

        var annotations = (await bed.GetAsync("churn")).Metadata.Annotations!;
        Assert.Equal(ManualActions.Undo, annotations[Annotations.Action]);
        Assert.Equal("1", annotations[Annotations.UndoRevision]);
        Assert.Contains("Revision 1 (churn-aaaaaaaaaa, model version 1) becomes stable again", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undo_without_a_revision_replaces_a_stale_revision_annotation_with_the_previous_one()
    {
        await using var bed = await PluginTestBed.StartAsync();
        var md = Fixtures.ThreePromotions();
        await bed.SeedAsync(md with { Metadata = md.Metadata with { Annotations = new Dictionary<string, string> { [Annotations.UndoRevision] = "1" } } });

        (await bed.PluginAsync("undo", "churn")).Succeeded();

        Assert.Equal("2", (await bed.GetAsync("churn")).Metadata.Annotations![Annotations.UndoRevision]);
    }

    [Fact]
    public async Task Undo_to_a_revision_not_in_the_history_fails_and_writes_nothing()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Fixtures.ThreePromotions());

        var result = await bed.PluginAsync("undo", "churn", "--to-revision=9");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: undo: revision 9 is not in the history of churn; available: 1, 2, 3 (see kubectl model history churn)", result.Stderr.TrimEnd());
        Assert.Null((await bed.GetAsync("churn")).Metadata.Annotations);
    }

    [Fact]
    public async Task Pause_and_resume_flip_spec_paused_and_keep_the_rest_of_the_spec()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Fixtures.Canary());

        var paused = (await bed.PluginAsync("pause", "churn")).Succeeded();
        var afterPause = await bed.GetAsync("churn");
        var resumed = (await bed.PluginAsync("resume", "churn")).Succeeded();
        var afterResume = await bed.GetAsync("churn");

        Assert.True(afterPause.Spec!.Paused);
        Assert.Equal("2", afterPause.Spec.Model!.Version);
        Assert.False(afterResume.Spec!.Paused);
        Assert.Equal("modeldeployment.modeloperator.io/churn: paused (spec.paused=true)", paused.Stdout.TrimEnd());
        Assert.Equal("modeldeployment.modeloperator.io/churn: resumed (spec.paused=false)", resumed.Stdout.TrimEnd());
    }

    [Fact]
    public async Task History_lists_the_numbers_undo_takes()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Fixtures.ThreePromotions());

        var lines = (await bed.PluginAsync("history", "churn")).Succeeded().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["REVISION", "1", "2", "3"], lines.Select(l => l.Split(' ')[0]));
        Assert.EndsWith("stable", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_commands_and_missing_names_are_usage_errors()
    {
        await using var bed = await PluginTestBed.StartAsync();

        var unknown = await bed.PluginAsync("rollback", "churn");
        var noName = await bed.PluginAsync("status");

        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("error: unknown command \"rollback\" for \"kubectl model\"", unknown.Stderr, StringComparison.Ordinal);
        Assert.Contains("Commands:", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, noName.ExitCode);
        Assert.Contains("kubectl model status NAME", noName.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_prints_a_line_per_visible_change_and_stops_on_cancel()
    {
        await using var bed = await PluginTestBed.StartAsync();
        var md = await bed.SeedAsync(Fixtures.Canary());
        var stdout = new CapturingWriter();
        using var stop = new CancellationTokenSource();
        var watch = bed.PluginAsync(stdout, TimeProvider.System, stop.Token, "watch", "churn");
        await stdout.WaitForAsync(t => t.Contains("at 10%", StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        // When the operator writes a status that changes only what nobody watches, then one that moves the weight
        md = await bed.Mds.UpdateStatusAsync(md with { Status = md.Status! with { ReadyReplicas = 9 } });
        md = await bed.Mds.UpdateStatusAsync(md with
        {
            Status = md.Status! with
            {
                CanaryWeight = 50,
                CurrentStepIndex = 2,
                LastDecision = new RolloutDecision { Action = DecisionActions.Proceed, Reason = Reasons.StepComplete, Message = "weight 50%" },
            },
        });
        var text = await stdout.WaitForAsync(t => t.Contains("at 50%", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        await Task.Delay(300); // room for a wrong extra line to show up
        await stop.CancelAsync();
        var result = await watch;

        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, lines.Length);
        Assert.Contains("step 3/5 (setWeight 50%)  last: Proceed (StepComplete): weight 50%", lines[1], StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  Progressing", lines[0]);
        Assert.NotNull(text);
    }

    [Fact]
    public async Task Watch_ends_by_itself_at_the_timeout_and_on_deletion()
    {
        await using var bed = await PluginTestBed.StartAsync();
        await bed.SeedAsync(Fixtures.Healthy());
        await bed.SeedAsync(Fixtures.Healthy(name: "fraud"));

        var timedOut = await bed.PluginAsync(TimeProvider.System, CancellationToken.None, "watch", "churn", "--timeout", "1s");
        var stdout = new CapturingWriter();
        var watch = bed.PluginAsync(stdout, TimeProvider.System, CancellationToken.None, "watch", "fraud", "--timeout", "30s");
        await stdout.WaitForAsync(t => t.Contains("Healthy", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        await bed.Mds.DeleteAsync(new ObjectKey("default", "fraud"));
        var deleted = await watch.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, timedOut.ExitCode);
        Assert.Single(timedOut.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(0, deleted.ExitCode);
        Assert.EndsWith("fraud was deleted", stdout.ToString().TrimEnd(), StringComparison.Ordinal);
    }
}
