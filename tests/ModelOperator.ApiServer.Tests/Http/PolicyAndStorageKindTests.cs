using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>PersistentVolumeClaims, ResourceQuotas, LimitRanges and PodDisruptionBudgets with the defaults, canonical quantities and validation a real server applies.</summary>
public sealed class PolicyAndStorageKindTests
{
    private const string Core = "/api/v1/namespaces/default/";

    [Fact]
    public async Task A_claim_is_defaulted_and_pending_with_its_storage_canonical_and_needs_access_modes_and_a_size()
    {
        await using var h = await ServerHarness.StartAsync();

        var claim = await h.CreateAsync(Core + "persistentvolumeclaims", """{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1024Mi"}}}}""");
        var (code, status) = await h.PostAsync(Core + "persistentvolumeclaims", """{"metadata":{"name":"bad"},"spec":{}}""");

        Assert.Equal(("Filesystem", "1Gi", "Pending"), (claim["spec"]!["volumeMode"]!.GetValue<string>(), claim["spec"]!["resources"]!["requests"]!["storage"]!.GetValue<string>(), claim["status"]!["phase"]!.GetValue<string>()));
        Assert.Equal(422, code);
        Assert.Equal(["spec.accessModes", "spec.resources[storage]"], status["details"]!["causes"]!.AsArray().Select(c => c!["field"]!.GetValue<string>()));
        Assert.Equal("Required value: at least 1 access mode is required", status["details"]!["causes"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_limit_range_fills_container_defaults_from_max_default_and_min()
    {
        await using var h = await ServerHarness.StartAsync();

        var range = await h.CreateAsync(Core + "limitranges", """
            {"metadata":{"name":"limits"},"spec":{"limits":[{"type":"Container","max":{"cpu":"2000m","memory":"1024Mi"},"min":{"ephemeral-storage":"1Gi"},"default":{"cpu":"0.5"}}]}}
            """);

        var item = range["spec"]!["limits"]![0]!;
        Assert.Equal("""{"cpu":"500m","memory":"1Gi"}""", item["default"]!.ToJsonString());
        Assert.Equal("""{"cpu":"500m","memory":"1Gi","ephemeral-storage":"1Gi"}""", item["defaultRequest"]!.ToJsonString());
        Assert.Equal("""{"cpu":"2","memory":"1Gi"}""", item["max"]!.ToJsonString());
    }

    [Fact]
    public async Task A_quota_stores_canonical_quantities_and_refuses_negative_ones()
    {
        await using var h = await ServerHarness.StartAsync();

        var quota = await h.CreateAsync(Core + "resourcequotas", """{"metadata":{"name":"q"},"spec":{"hard":{"requests.cpu":"1000m","pods":"10"}}}""");
        var (code, status) = await h.PostAsync(Core + "resourcequotas", """{"metadata":{"name":"neg"},"spec":{"hard":{"pods":"-1"}}}""");

        Assert.Equal("""{"requests.cpu":"1","pods":"10"}""", quota["spec"]!["hard"]!.ToJsonString());
        Assert.Equal(422, code);
        Assert.Equal("ResourceQuota \"neg\" is invalid: spec.hard[pods]: Invalid value: \"-1\": must be greater than or equal to 0", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_disruption_budget_reads_zero_counters_and_takes_either_min_available_or_max_unavailable()
    {
        await using var h = await ServerHarness.StartAsync();
        const string pdbs = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";

        var pdb = await h.CreateAsync(pdbs, """{"metadata":{"name":"web"},"spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"web"}}}}""");
        var (both, bothStatus) = await h.PostAsync(pdbs, """{"metadata":{"name":"both"},"spec":{"minAvailable":1,"maxUnavailable":1}}""");
        var (over, overStatus) = await h.PostAsync(pdbs, """{"metadata":{"name":"over"},"spec":{"maxUnavailable":"150%"}}""");

        Assert.Equal("""{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0}""", pdb["status"]!.ToJsonString());
        Assert.Equal((422, 422), (both, over));
        Assert.EndsWith("minAvailable and maxUnavailable cannot be both set", bothStatus["details"]!["causes"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(("spec.maxUnavailable", "Invalid value: \"150%\": must not be greater than 100%"), (overStatus["details"]!["causes"]![0]!["field"]!.GetValue<string>(), overStatus["details"]!["causes"]![0]!["message"]!.GetValue<string>()));
    }
}
