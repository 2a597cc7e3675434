using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ModelOperator.Api;
using ModelOperator.EndToEnd.Tests.Support;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Sandbox.Proxy;
using Xunit.Abstractions;

namespace ModelOperator.EndToEnd.Tests;

/// <summary>
/// Gateway API routing end to end on the local sandbox: the user's HTTPRoute from examples/gateway-api, a second
/// sandbox proxy in front of it acting as the Gateway (it splits by the route's backendRef weights, read live), and the
/// sandbox's own proxy of the Service <c>churn</c> standing for in-cluster clients.
/// </summary>
/// <remarks>
/// <para><b>Tolerance.</b> A Gateway that picks a backend at random with the route's weight <c>p</c> for the canary
/// answers X ~ Binomial(n, p) of n requests from it. The test accepts |X − n·p| ≤ 4·√(n·p·(1 − p)) + 1: four standard
/// deviations, which a correct split exceeds with probability below 10⁻⁴ (normal approximation; the + 1 is for a weight
/// change landing on a batch edge). The sandbox proxy's weighted round robin is within 1 of n·p, so the band is
/// conservative for it, and yet it rejects the split the Gateway must not make: by pods. With n = 200 at 50 %, the
/// band is ±29 requests, and splitting by the 4 stable and 2 canary pods (33 %) would be 34 requests off.</para>
/// <para>Run time: about two minutes (three model versions, one 30 s timed pause, batches of 200 sequential requests).</para>
/// </remarks>
[Collection(EndToEndCollection.Name)]
public sealed partial class GatewayApiEndToEndTests(ITestOutputHelper output)
{
    private const int Batch = 200;

    /// <summary>20 % for a 20 s timed pause (time to measure: 240 requests take a few seconds), then 50 % until someone acts.</summary>
    private const string Steps = "    - setWeight: 20\n    - pause:\n        duration: 20s\n    - setWeight: 50\n    - pause: {}\n";

    private static readonly string Body = """{"inputs":[{"name":"features","shape":[1,8],"datatype":"FP32","data":[35,28.72,5,1,5,14,0,4]}]}""";

    /// <summary>The sandbox manifest of a version, routed through examples/gateway-api/httproute.yaml's route.</summary>
    private static string Manifest(E2eSandbox e2e, int version) => e2e.Manifest(version, text =>
        E2eSandbox.Replace(E2eSandbox.Steps(Steps)(text), "    progressDeadline:", "    trafficRouting:\n      gatewayAPI:\n        httpRoute: churn-route\n    progressDeadline:"));

    [Fact]
    public async Task A_rollout_through_an_HTTPRoute_splits_by_its_weights_and_a_rollback_cuts_the_canary_off_at_once()
    {
        // Given the user's opted-in route from the example, a Gateway in front of it, and version 1 stable
        await using var e2e = await E2eSandbox.StartAsync();
        (await e2e.Kubectl.RunAsync("apply", "-f", Path.Combine(E2eSandbox.RepositoryRoot, "examples", "gateway-api", "httproute.yaml"))).EnsureSuccess();
        await using var gateway = new ServiceProxy(e2e.Sandbox.Client, new ServiceProxyOptions { Namespace = "default", ServiceName = "churn", RouteName = "churn-route" });
        await gateway.StartAsync();
        using var http = new HttpClient();
        var viaGateway = new Uri(gateway.Url, "v2/models/churn/infer");
        var inCluster = new Uri(e2e.Sandbox.ServiceUrls["default/churn"], "v2/models/churn/infer");

        await e2e.ApplyAsync(Manifest(e2e, 1));
        var v1 = (await e2e.WaitForPhaseAsync(Phases.Healthy)).Status!.StableRevision!.Name!;
        Assert.Equal(["1"], (await AnswersAsync(http, viaGateway, 20)).Keys);

        // When version 2 is applied, Then at 20 % and at 50 % the Gateway's answers split by the route's weights,
        // while in-cluster clients of the Service churn get version 1 only
        await e2e.ApplyAsync(Manifest(e2e, 2));
        var starting = 0;
        for (var i = 0; i < 600 && (await e2e.GetAsync()).Status is not { CurrentStepIndex: 1, CanaryWeight: 20 }; i++)
        {
            starting += (await AnswersAsync(http, viaGateway, 10)).Values.Sum(); // the canary's share waits for its ready pod: no 503
        }

        output.WriteLine($"while the canary started: {starting} requests through the Gateway, all answered");
        await SplitIsWithinToleranceAsync(output, e2e, http, viaGateway, stepIndex: 1, weight: 20, stable: v1);
        Assert.Equal(["1"], (await AnswersAsync(http, inCluster, 40)).Keys);
        var at50 = await SplitIsWithinToleranceAsync(output, e2e, http, viaGateway, stepIndex: 3, weight: 50, stable: v1);
        Assert.Equal(["1"], (await AnswersAsync(http, inCluster, 40)).Keys);

        // When it is promoted, Then the route sends everything to version 2, and so does the Service
        (await e2e.Kubectl.RunAsync("annotate", "md", "churn", $"{Annotations.Action}=promote")).EnsureSuccess();
        await e2e.WaitForAsync("version 2 promoted", md => md.Status?.StableRevision?.ModelVersion == "2" && md.Status.CanaryRevision is null);
        Assert.Equal([(at50.Canary, 100)], await RouteWeightsAsync(e2e));
        await EventuallyOnlyAsync(http, viaGateway, "2");
        await EventuallyOnlyAsync(http, inCluster, "2");

        // Given version 3 as a canary at 20 %, answering some of the Gateway's requests
        await e2e.ApplyAsync(Manifest(e2e, 3));
        var at20 = await e2e.WaitForAsync("version 3 at 20 %", md => md.Status?.CanaryRevision?.ModelVersion == "3" && md.Status.CurrentStepIndex == 1 && md.Status.CanaryWeight == 20);
        var v3 = at20.Status!.CanaryRevision!.Name!;
        // (100 requests: the sandbox proxy's weighted round robin gives each backend its share in every 100, in one run)
        Assert.True((await AnswersAsync(http, viaGateway, 100)).GetValueOrDefault("3") > 0, "version 3 answered none of 100 requests at 20 %");

        // When it is aborted, Then as soon as the rollback is observed the route has no weight on it, and no answer comes from it
        (await e2e.Kubectl.RunAsync("annotate", "md", "churn", $"{Annotations.Action}=abort")).EnsureSuccess();
        await e2e.WaitForAsync("version 3 rolled back", md => md.Status?.Phase == Phases.RolledBack);
        Assert.DoesNotContain(await RouteWeightsAsync(e2e), b => b.Service == v3 && b.Weight > 0);
        var after = await AnswersAsync(http, viaGateway, Batch);
        Assert.Equal(["2"], after.Keys);
        output.WriteLine($"after the rollback: {after["2"]} of {Batch} answers from version 2, none from version 3");

        // When the ModelDeployment is deleted with kubectl, Then the route is left with no backendRef to a deleted Service
        (await e2e.Kubectl.RunAsync("delete", "md", "churn", "--timeout=60s")).EnsureSuccess();
        Assert.Empty(await RouteWeightsAsync(e2e)); // its one rule pointed at the ModelDeployment: the rule stays, without backends
        e2e.AssertTheOperatorCalledOnlyWhatTheChartGrants();
    }

    /// <summary>
    /// Waits for the canary at <paramref name="weight"/> (its step reached and its ready pods taking the route's weight),
    /// checks the route, sends <see cref="Batch"/> requests through the Gateway and checks the canary's share against the
    /// binomial band (class remarks), with the route unchanged across the batch.
    /// </summary>
    private static async Task<(string Canary, int Answers)> SplitIsWithinToleranceAsync(ITestOutputHelper output, E2eSandbox e2e, HttpClient http, Uri gateway, int stepIndex, int weight, string stable)
    {
        var md = await e2e.WaitForAsync($"the canary at {weight} %", m => m.Status?.CanaryRevision is not null && m.Status.CurrentStepIndex == stepIndex && m.Status.CanaryWeight == weight);
        var canary = md.Status!.CanaryRevision!.Name!;
        var canaryVersion = md.Status.CanaryRevision.ModelVersion!;
        var before = await RouteWeightsAsync(e2e);
        Assert.Equal([(stable, 100 - weight), (canary, weight)], before);

        var answers = await AnswersAsync(http, gateway, Batch);

        Assert.Equal(before, await RouteWeightsAsync(e2e));
        Assert.Equal(Batch, answers.Values.Sum());
        var observed = answers.GetValueOrDefault(canaryVersion);
        var p = weight / 100.0;
        var band = (4 * Math.Sqrt(Batch * p * (1 - p))) + 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"weight {weight}: the canary answered {observed} of {Batch} (band {Batch * p} ± {band:F1})"));
        Assert.True(Math.Abs(observed - (Batch * p)) <= band,
            string.Create(CultureInfo.InvariantCulture, $"at weight {weight} the canary answered {observed} of {Batch}; expected {Batch * p} ± {band:F1}"));
        return (canary, observed);
    }

    private static async Task<IReadOnlyList<(string Service, int Weight)>> RouteWeightsAsync(E2eSandbox e2e)
    {
        var route = await e2e.Sandbox.Client.Resource<HttpRoute>().GetAsync(new ObjectKey("default", "churn-route"));
        return ProxyRouting.Backends(route);
    }

    /// <summary>Sends <paramref name="count"/> requests one after another; counts the answers by model version (a failed request fails the test).</summary>
    private static async Task<Dictionary<string, int>> AnswersAsync(HttpClient http, Uri url, int count)
    {
        var versions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            using var response = await http.PostAsync(url, new StringContent(Body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"request {i} to {url}: {(int)response.StatusCode} {text}");
            var version = ModelVersion().Match(text) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no model_version in " + text);
            versions[version] = versions.GetValueOrDefault(version) + 1;
        }

        return versions;
    }

    /// <summary>The proxies follow the API server through watches: give them a moment, then every answer must be <paramref name="version"/>'s.</summary>
    private static async Task EventuallyOnlyAsync(HttpClient http, Uri url, string version)
    {
        for (var i = 0; i < 40 && !(await AnswersAsync(http, url, 10)).Keys.SequenceEqual([version]); i++)
        {
            await Task.Delay(250);
        }

        Assert.Equal([version], (await AnswersAsync(http, url, 50)).Keys);
    }

    [GeneratedRegex("\"model_version\":\"([^\"]+)\"")]
    private static partial Regex ModelVersion();
}
