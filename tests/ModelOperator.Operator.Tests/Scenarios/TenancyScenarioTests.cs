using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Rollouts.Revisions;

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
        // The CRD's rule refuses it at admission, as a real cluster does (the operator's validator, tested in
        // ModelDeploymentValidatorTests, says the same for an object stored before the rule existed).
        await using var bed = await OperatorTestBed.StartAsync();

        var refused = await Assert.ThrowsAsync<KubernetesInvalidException>(() => bed.CreateAsync(WithRuntime(new RuntimeSpec { Env = [new EnvVar { Name = name, Value = "/tmp/x" }] })));

        Assert.Contains("spec.runtime.env", refused.Message, StringComparison.Ordinal);
        Assert.Contains("LD_*, DOTNET_*", refused.Message, StringComparison.Ordinal);
        Assert.Empty((await bed.Client.Resource<ModelDeployment>().ListAllAsync(OperatorTestBed.Namespace)).Items);
        Assert.Empty(await DeploymentsAsync(bed));
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

    [Fact]
    public async Task A_service_that_is_not_ours_is_never_adopted_and_the_rollout_waits()
    {
        // Given a Service named like the ModelDeployment's, made by someone else (no owner reference)
        await using var bed = await OperatorTestBed.StartAsync();
        var theirs = await bed.Client.Resource<Service>().CreateAsync(new Service
        {
            Metadata = new ObjectMeta { Name = "churn", Namespace = OperatorTestBed.Namespace, Labels = new Dictionary<string, string> { ["app"] = "billing" } },
            Spec = new ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "billing" }, Ports = [new ServicePort { Port = 80 }] },
        });

        // When the ModelDeployment is created and reconciled a few times
        await bed.CreateAsync(ScenarioTests.Md());
        for (var i = 0; i < 3; i++)
        {
            await bed.RoundAsync("churn");
            bed.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        // Then the Service is exactly as its owner left it, the rollout did not proceed, and status and one Event say why
        var service = await bed.Client.Resource<Service>().GetAsync(ObjectKey.From(theirs));
        Assert.Equal(theirs.Metadata.ResourceVersion, service.Metadata.ResourceVersion);
        Assert.Null(service.Metadata.OwnerReferences);
        Assert.Equal("billing", service.Spec!.Selector!["app"]);
        var md = await bed.GetAsync("churn");
        Assert.Null(md.Status!.StableRevision);
        Assert.Equal(("True", Reasons.ChildConflict), (Degraded(md).Status, Degraded(md).Reason));
        Assert.Contains("Service churn already exists", Degraded(md).Message, StringComparison.Ordinal);
        Assert.Contains("has no controller owner reference", Degraded(md).Message, StringComparison.Ordinal);
        Assert.Equal(Reasons.ChildConflict, Assert.Single(md.Status.Conditions!, c => c.Type == Conditions.Progressing).Reason);
        Assert.Equal("Warning", Assert.Single(await EventsAsync(bed, Reasons.ChildConflict)).Type);

        // And once the other Service is gone, the rollout goes on by itself
        await bed.Client.Resource<Service>().DeleteAsync(ObjectKey.From(theirs));
        md = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy);
        var ours = await bed.Client.Resource<Service>().GetAsync(ObjectKey.From(theirs));
        Assert.Equal(md.Metadata.Uid, Assert.Single(ours.Metadata.OwnerReferences!).Uid);
        Assert.Equal(Reasons.Healthy, Degraded(md).Reason);
    }

    [Fact]
    public async Task A_deployment_controlled_by_another_owner_is_left_untouched()
    {
        // Given a Deployment with the name of the revision the ModelDeployment will want, controlled by someone else
        await using var bed = await OperatorTestBed.StartAsync();
        var spec = ScenarioTests.Md().Spec!;
        var revision = RevisionNaming.RevisionName("churn", spec.Model!, spec.Runtime, bed.Options.DefaultImage);
        var theirs = await bed.Client.Resource<Deployment>().CreateAsync(new Deployment
        {
            Metadata = new ObjectMeta
            {
                Name = revision,
                Namespace = OperatorTestBed.Namespace,
                OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "other", Uid = "0b6f3c1e-other", Controller = true }],
            },
            Spec = new DeploymentSpec
            {
                Replicas = 7,
                Selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "other" } },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "other" } },
                    Spec = new PodSpec { Containers = [new Container { Name = "other", Image = "other:1", Env = [new EnvVar { Name = "MODEL_VERSION", Value = "other" }] }] },
                },
            },
        });

        // When the ModelDeployment is reconciled
        await bed.CreateAsync(ScenarioTests.Md());
        await bed.Reconciler.ReconcileAsync(OperatorTestBed.Key("churn"), CancellationToken.None);

        // Then the Deployment keeps its owner and replicas, and the condition names who controls it
        var deployment = await bed.Client.Resource<Deployment>().GetAsync(ObjectKey.From(theirs));
        Assert.Equal(theirs.Metadata.ResourceVersion, deployment.Metadata.ResourceVersion);
        Assert.Equal("other", Assert.Single(deployment.Metadata.OwnerReferences!).Name);
        var md = await bed.GetAsync("churn");
        Assert.Equal(Reasons.ChildConflict, Degraded(md).Reason);
        Assert.Contains($"Deployment {revision} already exists", Degraded(md).Message, StringComparison.Ordinal);
        Assert.Contains("is controlled by StatefulSet other", Degraded(md).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_that_did_not_opt_in_is_never_written_and_an_opted_in_one_changes_only_our_rules()
    {
        // Given a shared HTTPRoute with a rule for the ModelDeployment's Service and one for another team's, not opted in
        await using var bed = await OperatorTestBed.StartAsync();
        var routes = bed.Client.Resource<HttpRoute>();
        var docs = new HttpRouteRule { Name = "docs", BackendRefs = [new HttpBackendRef { Name = "docs-site", Port = 8080 }] };
        var route = await routes.CreateAsync(new HttpRoute
        {
            Metadata = new ObjectMeta { Name = "shared", Namespace = OperatorTestBed.Namespace },
            Spec = new HttpRouteSpec
            {
                ParentRefs = [new ParentReference { Name = "gateway" }],
                Rules = [new HttpRouteRule { Name = "predict", BackendRefs = [new HttpBackendRef { Name = "churn", Port = 80 }] }, docs],
            },
        });
        var md = ScenarioTests.Md();
        md = md with { Spec = md.Spec! with { Rollout = md.Spec.Rollout! with { TrafficRouting = new TrafficRouting { GatewayApi = new GatewayApiRouting { HttpRoute = "shared" } } } } };

        // When the ModelDeployment routing through it is reconciled
        await bed.CreateAsync(md);
        await bed.RoundAsync("churn");

        // Then the route is unchanged, nothing was created, and the condition and Event tell how to opt in
        Assert.Equal(route.Metadata.ResourceVersion, (await routes.GetAsync(ObjectKey.From(route))).Metadata.ResourceVersion);
        Assert.Empty(await DeploymentsAsync(bed));
        var status = await bed.GetAsync("churn");
        Assert.Equal(Reasons.RouteNotOptedIn, Degraded(status).Reason);
        Assert.Contains("modeloperator.io/managed-by-modeldeployment: churn", Degraded(status).Message, StringComparison.Ordinal);
        Assert.Single(await EventsAsync(bed, Reasons.RouteNotOptedIn));

        // When the route's owner opts it in to this ModelDeployment
        route = await routes.GetAsync(ObjectKey.From(route));
        await routes.UpdateAsync(route with { Metadata = route.Metadata with { Annotations = new Dictionary<string, string> { [Annotations.ManagedByModelDeployment] = "churn" } } });
        status = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy);

        // Then the rule pointing at the ModelDeployment goes to the stable revision, and the other rule is as it was
        var rules = (await routes.GetAsync(ObjectKey.From(route))).Spec!.Rules!;
        Assert.Equal(status.Status!.StableRevision!.Name, Assert.Single(rules[0].BackendRefs!).Name);
        Assert.Equal(("docs", "docs-site", 8080, (int?)null), (rules[1].Name, Assert.Single(rules[1].BackendRefs!).Name, rules[1].BackendRefs![0].Port, rules[1].BackendRefs![0].Weight));
    }
}
