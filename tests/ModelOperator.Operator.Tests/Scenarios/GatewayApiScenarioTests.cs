using ModelOperator.Api;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// Gateway API routing against the in-memory API server: what in-cluster clients get (the main Service), what the route
/// gets, and what deleting the ModelDeployment leaves on the user's route (the <c>modeloperator.io/httproute</c> finalizer).
/// </summary>
public sealed class GatewayApiScenarioTests
{
    private const string Finalizer = "modeloperator.io/httproute";

    private static readonly IReadOnlyList<RolloutStep> PausedAt30 = [new RolloutStep { SetWeight = 30 }, new RolloutStep { Pause = new PauseStep() }];

    private static ModelDeployment GatewayMd()
    {
        var md = ScenarioTests.Md(steps: PausedAt30);
        return md with { Spec = md.Spec! with { Rollout = md.Spec.Rollout! with { TrafficRouting = new TrafficRouting { GatewayApi = new GatewayApiRouting { HttpRoute = "churn-route" } } } } };
    }

    /// <summary>The user's route: a rule for the model (pointing at the ModelDeployment's Service) and one for another team's site.</summary>
    private static Task<HttpRoute> CreateRouteAsync(OperatorTestBed bed, bool optedIn = true) => bed.Client.Resource<HttpRoute>().CreateAsync(new HttpRoute
    {
        Metadata = new ObjectMeta
        {
            Name = "churn-route",
            Namespace = OperatorTestBed.Namespace,
            Annotations = optedIn ? new Dictionary<string, string> { [Annotations.ManagedByModelDeployment] = "churn" } : null,
        },
        Spec = new HttpRouteSpec
        {
            ParentRefs = [new ParentReference { Name = "gateway" }],
            Rules =
            [
                new HttpRouteRule { Name = "predict", BackendRefs = [new HttpBackendRef { Name = "churn", Port = 80 }] },
                new HttpRouteRule { Name = "docs", BackendRefs = [new HttpBackendRef { Name = "docs-site", Port = 8080 }] },
            ],
        },
    });

    private static Task<HttpRoute> RouteAsync(OperatorTestBed bed) => bed.Client.Resource<HttpRoute>().GetAsync(OperatorTestBed.Key("churn-route"));

    private static async Task<Service> ServiceAsync(OperatorTestBed bed, string name) => await bed.Client.Resource<Service>().GetAsync(OperatorTestBed.Key(name));

    private static async Task<IReadOnlyList<string>> ServiceNamesAsync(OperatorTestBed bed) =>
        (await bed.Client.Resource<Service>().ListAllAsync(OperatorTestBed.Namespace)).Items.Select(s => s.Metadata.Name!).ToList();

    private static async Task<IReadOnlyList<Event>> EventsAsync(OperatorTestBed bed, string reason) =>
        (await bed.Client.Resource<Event>().ListAllAsync(OperatorTestBed.Namespace)).Items.Where(e => e.Reason == reason).ToList();

    /// <summary>Deletes the ModelDeployment as kubectl does and reconciles until it is gone (or fails after a few rounds).</summary>
    private static async Task DeleteAndReconcileAsync(OperatorTestBed bed)
    {
        await bed.Client.Resource<ModelDeployment>().DeleteAsync(OperatorTestBed.Key("churn"));
        for (var i = 0; i < 5; i++)
        {
            try
            {
                await bed.GetAsync("churn");
            }
            catch (KubernetesNotFoundException)
            {
                return;
            }

            await bed.Reconciler.ReconcileAsync(OperatorTestBed.Key("churn"), CancellationToken.None);
        }

        Assert.Fail("the ModelDeployment is still there after 5 reconciles: " + string.Join(", ", (await bed.GetAsync("churn")).Metadata.Finalizers ?? []));
    }

    [Fact]
    public async Task In_cluster_clients_get_the_stable_revision_while_the_route_splits_by_weight()
    {
        // Given an opted-in route and version 1 stable
        await using var bed = await OperatorTestBed.StartAsync();
        await CreateRouteAsync(bed);
        var v1 = (await ScenarioTests.HealthyAsync(bed, GatewayMd())).Status!.StableRevision!.Name!;

        // When version 2 runs as a canary at 30%
        await ScenarioTests.NewVersionAsync(bed, "2");
        var paused = await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Paused);
        var v2 = paused.Status!.CanaryRevision!.Name!;

        // Then the main Service selects version 1's pods only, each revision has its Service, and the route splits 70/30
        Assert.Equal(new Dictionary<string, string> { [Labels.Deployment] = "churn", [Labels.Revision] = v1 }, (await ServiceAsync(bed, "churn")).Spec!.Selector);
        Assert.Equal(v2, (await ServiceAsync(bed, v2)).Spec!.Selector![Labels.Revision]);
        Assert.Equal(v1, (await ServiceAsync(bed, v1)).Spec!.Selector![Labels.Revision]);
        var predict = (await RouteAsync(bed)).Spec!.Rules![0].BackendRefs!;
        Assert.Equal([(v1, 70), (v2, 30)], predict.Select(b => (b.Name, b.Weight ?? 1)));

        // When it is aborted, Then the canary leaves the route and its Service goes; the main Service stays on version 1
        var md = await bed.GetAsync("churn");
        await bed.Client.Resource<ModelDeployment>().UpdateAsync(md with { Metadata = md.Metadata with { Annotations = new Dictionary<string, string> { [Annotations.Action] = ManualActions.Abort } } });
        await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.RolledBack);
        Assert.Equal([(v1, 100)], (await RouteAsync(bed)).Spec!.Rules![0].BackendRefs!.Select(b => (b.Name, b.Weight ?? 1)));
        Assert.DoesNotContain(v2, await ServiceNamesAsync(bed));
        Assert.Equal(v1, (await ServiceAsync(bed, "churn")).Spec!.Selector![Labels.Revision]);
    }

    [Fact]
    public async Task Deleting_the_ModelDeployment_leaves_the_route_without_backends_to_deleted_Services()
    {
        // Given a canary at 30% behind an opted-in route: the ModelDeployment carries the finalizer
        await using var bed = await OperatorTestBed.StartAsync();
        await CreateRouteAsync(bed);
        await ScenarioTests.HealthyAsync(bed, GatewayMd());
        Assert.Contains(Finalizer, (await bed.GetAsync("churn")).Metadata.Finalizers ?? []);
        await ScenarioTests.NewVersionAsync(bed, "2");
        await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Paused);
        Assert.Equal(2, (await RouteAsync(bed)).Spec!.Rules![0].BackendRefs!.Count);

        // When it is deleted
        await DeleteAndReconcileAsync(bed);

        // Then, its Services gone, the route names none of them: the model's rule has no backend, the other rule is as it was
        var services = await ServiceNamesAsync(bed);
        var route = await RouteAsync(bed);
        Assert.All(route.Spec!.Rules!.SelectMany(r => r.BackendRefs ?? []), b => Assert.True(b.Name == "docs-site" || services.Contains(b.Name), $"{b.Name} is not a Service"));
        Assert.Equal(("predict", 0), (route.Spec.Rules![0].Name, route.Spec.Rules[0].BackendRefs?.Count ?? 0));
        Assert.Equal(("docs", "docs-site", 8080), (route.Spec.Rules[1].Name, Assert.Single(route.Spec.Rules[1].BackendRefs!).Name, route.Spec.Rules[1].BackendRefs![0].Port));
        Assert.Equal(["gateway"], route.Spec.ParentRefs!.Select(p => p.Name));
        Assert.Equal("churn", route.Metadata.Annotations![Annotations.ManagedByModelDeployment]); // the user's: kept
        Assert.Single(await EventsAsync(bed, Reasons.RouteReleased));
    }

    [Fact]
    public async Task A_route_deleted_first_does_not_hold_the_deletion()
    {
        // Given a managed route, When the user deletes the route and then the ModelDeployment
        await using var bed = await OperatorTestBed.StartAsync();
        await CreateRouteAsync(bed);
        await ScenarioTests.HealthyAsync(bed, GatewayMd());
        await bed.Client.Resource<HttpRoute>().DeleteAsync(OperatorTestBed.Key("churn-route"));

        // Then the deletion completes, with an Event that there was nothing to release
        await DeleteAndReconcileAsync(bed);
        Assert.Contains("already gone", Assert.Single(await EventsAsync(bed, Reasons.RouteReleased)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_route_that_no_longer_opts_in_is_not_written_and_does_not_hold_the_deletion()
    {
        // Given a managed route whose owner then removes the opt-in annotation
        await using var bed = await OperatorTestBed.StartAsync();
        await CreateRouteAsync(bed);
        var v1 = (await ScenarioTests.HealthyAsync(bed, GatewayMd())).Status!.StableRevision!.Name!;
        var route = await RouteAsync(bed);
        route = await bed.Client.Resource<HttpRoute>().UpdateAsync(route with { Metadata = route.Metadata with { Annotations = new Dictionary<string, string>() } });

        // When the ModelDeployment is deleted
        await DeleteAndReconcileAsync(bed);

        // Then the route is as its owner left it, and a Warning says what to clean by hand
        var after = await RouteAsync(bed);
        Assert.Equal(route.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal(v1, Assert.Single(after.Spec!.Rules![0].BackendRefs!).Name);
        var warning = Assert.Single(await EventsAsync(bed, Reasons.RouteNotReleased));
        Assert.Equal("Warning", warning.Type);
        Assert.Contains("remove its backendRefs", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_finalizer_is_there_only_while_the_operator_manages_a_route()
    {
        // Given a route that did not opt in: no finalizer
        await using var bed = await OperatorTestBed.StartAsync();
        var route = await CreateRouteAsync(bed, optedIn: false);
        await bed.CreateAsync(GatewayMd());
        await bed.RoundAsync("churn");
        Assert.DoesNotContain(Finalizer, (await bed.GetAsync("churn")).Metadata.Finalizers ?? []);

        // When it opts in, Then the finalizer is added
        route = await RouteAsync(bed);
        await bed.Client.Resource<HttpRoute>().UpdateAsync(route with { Metadata = route.Metadata with { Annotations = new Dictionary<string, string> { [Annotations.ManagedByModelDeployment] = "churn" } } });
        await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy);
        Assert.Contains(Finalizer, (await bed.GetAsync("churn")).Metadata.Finalizers ?? []);

        // When the ModelDeployment switches to replicas routing, Then it goes
        var md = await bed.GetAsync("churn");
        await bed.Client.Resource<ModelDeployment>().UpdateAsync(md with { Spec = md.Spec! with { Rollout = md.Spec.Rollout! with { TrafficRouting = null } } });
        await bed.RoundAsync("churn");
        Assert.DoesNotContain(Finalizer, (await bed.GetAsync("churn")).Metadata.Finalizers ?? []);

        // And replicas routing without a route never gets it
        await DeleteAndReconcileAsync(bed);
        await bed.CreateAsync(ScenarioTests.Md());
        await bed.RunUntilAsync("churn", m => m.Status?.Phase == Phases.Healthy);
        Assert.Null((await bed.GetAsync("churn")).Metadata.Finalizers);
    }
}
