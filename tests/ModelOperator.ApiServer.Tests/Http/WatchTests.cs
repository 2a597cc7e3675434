using ModelOperator.ApiServer.Hosting;
using ModelOperator.ApiServer.Tests.Support;
using ModelOperator.Testing;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>Watch: replay from a resourceVersion, selector transitions, 410 Gone, bookmarks, timeouts, tables.</summary>
public sealed class WatchTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task A_watch_from_a_resource_version_replays_later_events_then_streams_live_ones()
    {
        await using var h = await ServerHarness.StartAsync();
        var a = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"}}""");
        var from = a["metadata"]!["resourceVersion"]!.GetValue<string>();
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"b"}}""");
        await h.PatchAsync(ConfigMaps + "/a", """{"data":{"k":"v"}}""");

        await using var watch = await WatchReader.OpenAsync(h.Http, $"{ConfigMaps}?watch=true&resourceVersion={from}");
        Assert.Equal(("ADDED", "b"), await watch.NextTypeAndNameAsync());
        Assert.Equal(("MODIFIED", "a"), await watch.NextTypeAndNameAsync());

        await h.DeleteAsync(ConfigMaps + "/b");
        Assert.Equal(("DELETED", "b"), await watch.NextTypeAndNameAsync());
    }

    [Fact]
    public async Task A_watch_without_a_resource_version_starts_with_the_current_objects()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"}}""");

        await using var watch = await WatchReader.OpenAsync(h.Http, $"{ConfigMaps}?watch=1");

        Assert.Equal(("ADDED", "a"), await watch.NextTypeAndNameAsync());
    }

    [Fact]
    public async Task Objects_moving_out_of_and_into_a_label_selection_are_deleted_and_added()
    {
        await using var h = await ServerHarness.StartAsync();
        var a = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a","labels":{"team":"x"}}}""");
        var rv = a["metadata"]!["resourceVersion"]!.GetValue<string>();

        await using var watch = await WatchReader.OpenAsync(h.Http, $"{ConfigMaps}?watch=true&resourceVersion={rv}&labelSelector=team%3Dx");
        await h.PatchAsync(ConfigMaps + "/a", """{"metadata":{"labels":{"team":"y"}}}""");
        await h.PatchAsync(ConfigMaps + "/a", """{"data":{"ignored":"true"}}""");
        await h.PatchAsync(ConfigMaps + "/a", """{"metadata":{"labels":{"team":"x"}}}""");

        Assert.Equal(("DELETED", "a"), await watch.NextTypeAndNameAsync());
        Assert.Equal(("ADDED", "a"), await watch.NextTypeAndNameAsync());
    }

    [Fact]
    public async Task A_watch_from_a_version_older_than_the_history_gets_a_410_error_event()
    {
        await using var h = await ServerHarness.StartAsync(new InMemoryApiServerOptions { EventHistorySize = 3 });
        var first = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"}}""");
        for (var i = 0; i < 5; i++)
        {
            await h.PatchAsync(ConfigMaps + "/a", $$$"""{"data":{"i":"{{{i}}}"}}""");
        }

        await using var watch = await WatchReader.OpenAsync(h.Http, $"{ConfigMaps}?watch=true&resourceVersion={first["metadata"]!["resourceVersion"]}");
        var e = await watch.NextAsync();

        Assert.Equal("ERROR", e!["type"]!.GetValue<string>());
        Assert.Equal(410, e["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", e["object"]!["reason"]!.GetValue<string>());
        Assert.Null(await watch.NextAsync());

        // A version still in the history works.
        var rv = h.Server.ResourceVersion - 1;
        await using var recent = await WatchReader.OpenAsync(h.Http, $"{ConfigMaps}?watch=true&resourceVersion={rv}");
        Assert.Equal(("MODIFIED", "a"), await recent.NextTypeAndNameAsync());
    }

    [Fact]
    public async Task Bookmarks_arrive_on_the_interval_and_timeout_seconds_ends_the_watch()
    {
        var clock = new ManualTimeProvider();
        await using var h = await ServerHarness.StartAsync(new InMemoryApiServerOptions { TimeProvider = clock, BookmarkInterval = TimeSpan.FromSeconds(10) });
        var a = await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"}}""");
        var rv = a["metadata"]!["resourceVersion"]!.GetValue<string>();

        await using var watch = await WatchReader.OpenAsync(h.Http, $"{ConfigMaps}?watch=true&resourceVersion={rv}&allowWatchBookmarks=true&timeoutSeconds=25");
        await WaitUntilAsync(() => clock.PendingTimers >= 2);

        clock.Advance(TimeSpan.FromSeconds(10));
        var bookmark = await watch.NextAsync();
        Assert.Equal("BOOKMARK", bookmark!["type"]!.GetValue<string>());
        Assert.Equal(rv, bookmark["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("ConfigMap", bookmark["object"]!["kind"]!.GetValue<string>());

        await h.PatchAsync(ConfigMaps + "/a", """{"data":{"k":"v"}}""");
        Assert.Equal(("MODIFIED", "a"), await watch.NextTypeAndNameAsync());

        clock.Advance(TimeSpan.FromSeconds(10));
        var second = await watch.NextAsync();
        Assert.Equal((h.Server.ResourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture), second!["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>());

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(await watch.NextAsync());
    }

    [Fact]
    public async Task Send_initial_events_ends_the_initial_list_with_an_annotated_bookmark()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"}}""");

        await using var watch = await WatchReader.OpenAsync(h.Http, $"{ConfigMaps}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");

        Assert.Equal(("ADDED", "a"), await watch.NextTypeAndNameAsync());
        var end = await watch.NextAsync();
        Assert.Equal("BOOKMARK", end!["type"]!.GetValue<string>());
        Assert.Equal("true", end["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_table_watch_sends_column_definitions_once_and_a_row_per_event()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"},"data":{"x":"1"}}""");

        await using var watch = await WatchReader.OpenAsync(h.Http, $"{ConfigMaps}?watch=true", "application/json;as=Table;v=v1;g=meta.k8s.io");
        var first = await watch.NextAsync();
        await h.PatchAsync(ConfigMaps + "/a", """{"data":{"y":"2"}}""");
        var second = await watch.NextAsync();

        Assert.Equal("Table", first!["object"]!["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "Data", "Age"], first["object"]!["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Empty(second!["object"]!["columnDefinitions"]!.AsArray());
        Assert.Equal(2, second["object"]!["rows"]![0]!["cells"]![1]!.GetValue<long>());
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
