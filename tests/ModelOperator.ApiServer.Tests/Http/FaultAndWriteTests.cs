using System.Net;
using ModelOperator.ApiServer.Hosting;
using ModelOperator.ApiServer.Tests.Support;
using ModelOperator.Testing;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>Fault injection rules and per-object write counts, as controller tests will use them.</summary>
public sealed class FaultAndWriteTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Every_kth_write_fails_with_a_conflict()
    {
        await using var h = await ServerHarness.StartAsync();
        h.Server.Faults.FailEveryKthWrite(3);

        var codes = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            codes.Add((await h.PostAsync(ConfigMaps, $"{{\"metadata\":{{\"name\":\"c{i}\"}}}}")).Code);
        }

        Assert.Equal([201, 201, 409, 201, 201, 409], codes);
        Assert.Equal(200, (await h.GetAsync(ConfigMaps)).Code);
    }

    [Fact]
    public async Task The_next_n_requests_get_429_with_retry_after()
    {
        await using var h = await ServerHarness.StartAsync();
        h.Server.Faults.TooManyRequests(2, TimeSpan.FromSeconds(3));

        using var first = await h.Http.GetAsync("api/v1/namespaces");
        using var second = await h.Http.GetAsync("api/v1/namespaces");
        using var third = await h.Http.GetAsync("api/v1/namespaces");

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), first.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task Ending_all_watches_closes_open_streams_and_the_next_watch_can_be_made_gone()
    {
        await using var h = await ServerHarness.StartAsync();
        await using var watch = await WatchReader.OpenAsync(h.Http, $"{ConfigMaps}?watch=true&resourceVersion={h.Server.ResourceVersion}");
        await WatchTests.WaitUntilAsync(() => h.Server.OpenWatches == 1);

        Assert.Equal(1, h.Server.Faults.EndAllWatches());
        Assert.Null(await watch.NextAsync());

        h.Server.Faults.GoneOnNextWatch();
        await using var gone = await WatchReader.OpenAsync(h.Http, $"{ConfigMaps}?watch=true&resourceVersion={h.Server.ResourceVersion}");
        var e = await gone.NextAsync();
        Assert.Equal(("ERROR", 410), (e!["type"]!.GetValue<string>(), e["object"]!["code"]!.GetValue<int>()));

        await using var fine = await WatchReader.OpenAsync(h.Http, $"{ConfigMaps}?watch=true");
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"}}""");
        Assert.Equal(("ADDED", "a"), await fine.NextTypeAndNameAsync());
    }

    [Fact]
    public async Task Latency_and_silence_hold_requests_until_the_clock_moves()
    {
        var clock = new ManualTimeProvider();
        await using var h = await ServerHarness.StartAsync(new InMemoryApiServerOptions { TimeProvider = clock });

        h.Server.Faults.Latency = TimeSpan.FromSeconds(2);
        var delayed = h.Http.GetAsync("version");
        await WatchTests.WaitUntilAsync(() => clock.PendingTimers == 1);
        Assert.False(delayed.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(2));
        using (var response = await delayed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        h.Server.Faults.Latency = TimeSpan.Zero;
        h.Server.Faults.StopAnswering(TimeSpan.FromSeconds(30));
        var silent = h.Http.GetAsync("version");
        await WatchTests.WaitUntilAsync(() => clock.PendingTimers == 1);
        Assert.False(silent.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(30));
        using (var response = await silent)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Writes_are_counted_per_object_and_kind_but_not_for_dry_runs_or_failures()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.InstallWidgetCrdAsync();
        const string w = "/apis/example.com/v1/namespaces/default/widgets";
        await h.CreateAsync(w, Manifests.ToJson(Manifests.Widget("a")));
        await h.PatchAsync(w + "/a", """{"spec":{"color":"blue"}}""");
        await h.PatchAsync(w + "/a", """{"spec":{"color":"purple"}}""");
        await h.PatchAsync(w + "/a?dryRun=All", """{"spec":{"color":"green"}}""");
        await h.PatchAsync(w + "/a/status", """{"status":{"replicas":1}}""");
        var (_, current) = await h.GetAsync(w + "/a");
        await h.PutAsync(w + "/a/status", current.ToJsonString());
        await h.DeleteAsync(w + "/a");

        var counts = h.Server.Writes("widgets", "default", "a");

        Assert.Equal((1, 1, 1, 1, 1), (counts.Creates, counts.Patches, counts.StatusPatches, counts.StatusUpdates, counts.Deletes));
        Assert.Equal(3, counts.Total);
        Assert.Equal(2, counts.StatusTotal);
        Assert.Equal(counts.Total, h.Server.Writes("widgets.example.com", "default", "a").Total);
        Assert.Equal(0, h.Server.Writes("widgets", "default", "b").Total);
        Assert.Equal(1, h.Server.Writes("customresourcedefinitions", "widgets.example.com").Creates);
    }
}
