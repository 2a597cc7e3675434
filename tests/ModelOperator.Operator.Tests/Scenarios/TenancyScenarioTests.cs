using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// Given / When / Then: a ModelDeployment author asks for more than the cluster admin allows, or for names and routes
/// that belong to someone else. What the operator writes (and does not) is read back from the API server.
/// </summary>
public sealed class TenancyScenarioTests
{
    private const string Allowed = "registry.example.com/ml/";

    private static ModelDeployment WithRuntime(RuntimeSpec runtime)
    {
        var md = ScenarioTests.Md();
        return md with { Spec = md.Spec! with { Runtime = runtime } };
    }

    private static async Task<IReadOnlyList<Event>> EventsAsync(OperatorTestBed bed, string reason) =>
        (await bed.Client.Resource<Event>().ListAllAsync(OperatorTestBed.Namespace)).Items.Where(e => e.Reason == reason).ToList();

    private static async Task<IReadOnlyList<Deployment>> DeploymentsAsync(OperatorTestBed bed) =>
        (await bed.Client.Resource<Deployment>().ListAllAsync(OperatorTestBed.Namespace)).Items;

    private static Condition Degraded(ModelDeployment md) => Assert.Single(md.Status!.Conditions!, c => c.Type == Conditions.Degraded);

    [Fact]
    public async Task An_image_outside_the_allowlist_is_a_condition_and_an_event_never_a_deployment()
    {
        // Given an operator whose admin allows only images under registry.example.com/ml/
        await using var bed = await OperatorTestBed.StartAsync();
        bed.Options = bed.Options with { ImageAllowlist = [Allowed] };
        bed.Reconciler = bed.NewReconciler();

        // When a ModelDeployment asks for an image from elsewhere (a prefix look-alike included)
        await bed.CreateAsync(WithRuntime(new RuntimeSpec { Image = "registry.example.com/mlx/miner:1" }));
        await bed.RoundAsync("churn");

        // Then nothing runs, and the status and a Warning Event say why, naming the allowlist
        var md = await bed.GetAsync("churn");
        Assert.Empty(await DeploymentsAsync(bed));
        Assert.Equal(Phases.Invalid, md.Status!.Phase);
        Assert.Equal(("True", Reasons.ImageNotAllowed), (Degraded(md).Status, Degraded(md).Reason));
        Assert.Contains($"image allowlist ({Allowed})", Degraded(md).Message, StringComparison.Ordinal);
        var warning = Assert.Single(await EventsAsync(bed, Reasons.ImageNotAllowed));
        Assert.Equal("Warning", warning.Type);
        Assert.Contains("registry.example.com/mlx/miner:1", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("registry.example.com/ml/modelserver:2")]
    [InlineData(null)] // the operator's default image is always allowed
    public async Task An_allowed_or_default_image_deploys(string? image)
    {
        await using var bed = await OperatorTestBed.StartAsync();
        bed.Options = bed.Options with { ImageAllowlist = [Allowed] };
        bed.Reconciler = bed.NewReconciler();

        var md = await ScenarioTests.HealthyAsync(bed, WithRuntime(new RuntimeSpec { Image = image }));

        var deployment = Assert.Single(await DeploymentsAsync(bed));
        Assert.Equal(image ?? bed.Options.DefaultImage, deployment.Spec!.Template!.Spec!.Containers![0].Image);
        Assert.Equal(Phases.Healthy, md.Status!.Phase);
    }

    [Theory]
    [InlineData("LD_PRELOAD")]
    [InlineData("DOTNET_STARTUP_HOOKS")]
    [InlineData("MAX_REQUEST_BODY_BYTES")]
    [InlineData("HOME")]
    public async Task A_reserved_environment_variable_is_refused_and_nothing_runs(string name)
    {
        await using var bed = await OperatorTestBed.StartAsync();

        await bed.CreateAsync(WithRuntime(new RuntimeSpec { Env = [new EnvVar { Name = name, Value = "/tmp/x" }] }));
        await bed.RoundAsync("churn");

        var md = await bed.GetAsync("churn");
        Assert.Empty(await DeploymentsAsync(bed));
        Assert.Equal(Reasons.InvalidSpec, Degraded(md).Reason);
        Assert.Contains($"spec.runtime.env[0].name: {name} is reserved", Degraded(md).Message, StringComparison.Ordinal);
        Assert.Contains("LD_*, DOTNET_*", Degraded(md).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("node-role.kubernetes.io/control-plane", "Exists")]
    [InlineData("node-role.kubernetes.io/master", "Equal")]
    [InlineData(null, "Exists")]
    public async Task Control_plane_tolerations_need_the_admins_opt_in(string? key, string op)
    {
        // Given an operator without the opt-in, and a ModelDeployment tolerating the control plane's taint
        await using var bed = await OperatorTestBed.StartAsync();
        var toleration = new Toleration { Key = key, Operator = op, Effect = "NoSchedule" };
        await bed.CreateAsync(WithRuntime(new RuntimeSpec { Tolerations = [toleration] }));

        // When it is reconciled, Then it is refused without a Deployment
        await bed.RoundAsync("churn");
        var md = await bed.GetAsync("churn");
        Assert.Empty(await DeploymentsAsync(bed));
        Assert.Equal(Reasons.TolerationNotAllowed, Degraded(md).Reason);
        Assert.Contains("ALLOW_CONTROL_PLANE_TOLERATIONS", Degraded(md).Message, StringComparison.Ordinal);
        Assert.Single(await EventsAsync(bed, Reasons.TolerationNotAllowed));

        // And when the admin opts in, the same spec deploys with the toleration
        bed.Options = bed.Options with { AllowControlPlaneTolerations = true };
        bed.Reconciler = bed.NewReconciler();
        md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy);
        var deployment = Assert.Single(await DeploymentsAsync(bed));
        Assert.Equal(toleration, Assert.Single(deployment.Spec!.Template!.Spec!.Tolerations!));
    }
}
