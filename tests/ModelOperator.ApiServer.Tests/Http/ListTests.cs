using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Api;
using ModelOperator.ApiServer.Resources;
using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Http;

/// <summary>Label and field selectors, pagination with limit/continue, tables, and listing at scale.</summary>
public sealed class ListTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Theory]
    [InlineData("tier=front", "a,c")]
    [InlineData("tier==front", "a,c")]
    [InlineData("tier!=front", "b,d")]
    [InlineData("tier in (front,back)", "a,b,c")]
    [InlineData("tier notin (front)", "b,d")]
    [InlineData("tier", "a,b,c")]
    [InlineData("!tier", "d")]
    [InlineData("tier=front,env=prod", "c")]
    public async Task Label_selectors_support_every_operator(string selector, string expected)
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a","labels":{"tier":"front"}}}""");
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"b","labels":{"tier":"back"}}}""");
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"c","labels":{"tier":"front","env":"prod"}}}""");
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"d"}}""");

        var (code, list) = await h.GetAsync($"{ConfigMaps}?labelSelector={Uri.EscapeDataString(selector)}");

        Assert.Equal(200, code);
        Assert.Equal(expected, string.Join(",", Names(list)));
    }

    [Fact]
    public async Task Field_selectors_filter_by_name_and_namespace_and_reject_unknown_fields()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync("/api/v1/namespaces", """{"metadata":{"name":"other"}}""");
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"}}""");
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"b"}}""");
        await h.CreateAsync("/api/v1/namespaces/other/configmaps", """{"metadata":{"name":"a"}}""");

        Assert.Equal(["b"], Names((await h.GetAsync($"{ConfigMaps}?fieldSelector=metadata.name%3Db")).Body));
        Assert.Equal(["a"], Names((await h.GetAsync("/api/v1/configmaps?fieldSelector=metadata.namespace%3Dother")).Body));
        Assert.Equal(["a", "a"], Names((await h.GetAsync("/api/v1/configmaps?fieldSelector=metadata.name!%3Db")).Body));

        var (code, status) = await h.GetAsync($"{ConfigMaps}?fieldSelector=spec.color%3Dred");
        Assert.Equal(400, code);
        Assert.Equal("\"spec.color\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pagination_returns_every_object_once_across_pages()
    {
        await using var h = await ServerHarness.StartAsync();
        for (var i = 0; i < 25; i++)
        {
            await h.CreateAsync(ConfigMaps, $"{{\"metadata\":{{\"name\":\"cm-{i:D2}\"}}}}");
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var (code, page) = await h.GetAsync($"{ConfigMaps}?limit=10" + (token is null ? "" : $"&continue={token}"));
            Assert.Equal(200, code);
            seen.AddRange(Names(page));
            token = page["metadata"]!["continue"]?.GetValue<string>();
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"cm-{i:D2}"), seen);

        var (bad, status) = await h.GetAsync($"{ConfigMaps}?limit=10&continue=garbage!");
        Assert.Equal(400, bad);
        Assert.Contains("continue token", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paginated_list_is_a_snapshot_of_its_first_page()
    {
        await using var h = await ServerHarness.StartAsync();
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            await h.CreateAsync(ConfigMaps, $$$"""{"metadata":{"name":"{{{name}}}"},"data":{"v":"1"}}""");
        }

        // Given a first page read at some resourceVersion
        var (_, first) = await h.GetAsync($"{ConfigMaps}?limit=2");
        var rv = first["metadata"]!["resourceVersion"]!.GetValue<string>();
        Assert.Equal(2, first["metadata"]!["remainingItemCount"]!.GetValue<long>());

        // When objects are created, changed and deleted before the next page
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"e"}}""");
        await h.PatchAsync(ConfigMaps + "/c", """{"data":{"v":"2"}}""");
        await h.DeleteAsync(ConfigMaps + "/d");
        var (_, second) = await h.GetAsync($"{ConfigMaps}?limit=2&continue={first["metadata"]!["continue"]!.GetValue<string>()}");

        // Then the next page shows the list as it was: no e, c unchanged, d still there, at the first page's resourceVersion
        Assert.Equal(["c", "d"], Names(second));
        Assert.Equal("1", second["items"]![0]!["data"]!["v"]!.GetValue<string>());
        Assert.Equal(rv, second["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Null(second["metadata"]!["continue"]);
        Assert.Null(second["metadata"]!["remainingItemCount"]);

        // And a selector-filtered list has no remainingItemCount (the server cannot count it)
        var (_, filtered) = await h.GetAsync($"{ConfigMaps}?limit=1&fieldSelector=metadata.namespace%3Ddefault");
        Assert.NotNull(filtered["metadata"]!["continue"]);
        Assert.Null(filtered["metadata"]!["remainingItemCount"]);
    }

    [Fact]
    public async Task A_continue_token_of_a_forgotten_snapshot_is_answered_410_Expired()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"a"}}""");
        await h.CreateAsync(ConfigMaps, """{"metadata":{"name":"b"}}""");
        var (_, first) = await h.GetAsync($"{ConfigMaps}?limit=1");
        for (var i = 0; i < 64; i++)
        {
            await h.GetAsync($"{ConfigMaps}?limit=1"); // newer paginated lists push the first one's snapshot out
        }

        var (code, status) = await h.GetAsync($"{ConfigMaps}?limit=1&continue={first["metadata"]!["continue"]!.GetValue<string>()}");

        Assert.Equal(410, code);
        Assert.Equal("Expired", status["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tables_have_name_and_age_for_kinds_without_printer_columns()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.CreateAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases", """{"metadata":{"name":"l"},"spec":{"holderIdentity":"me"}}""");
        await h.CreateAsync("/api/v1/namespaces/default/endpoints", """{"metadata":{"name":"e"}}""");

        var (_, leases) = await h.GetAsync("/apis/coordination.k8s.io/v1/namespaces/default/leases", "application/json;as=Table;v=v1;g=meta.k8s.io");
        Assert.Equal("Table", leases["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "Holder", "Age"], leases["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));

        var (_, endpoints) = await h.GetAsync("/api/v1/namespaces/default/endpoints/e", "application/json;as=Table;v=v1;g=meta.k8s.io");
        var row = endpoints["rows"]![0]!;
        Assert.Equal("e", row["cells"]![0]!.GetValue<string>());
        Assert.Equal("PartialObjectMetadata", row["object"]!["kind"]!.GetValue<string>());
    }

    /// <summary>
    /// A large list, whole and in pages, holds every object exactly once and in name order. How fast it is belongs to
    /// the benchmarks (the informer section lists at scale), not to a timed test on a shared machine.
    /// </summary>
    [Fact]
    public async Task Listing_ten_thousand_objects_whole_and_paginated_gives_each_once_in_order()
    {
        await using var h = await ServerHarness.StartAsync();
        for (var i = 0; i < 10_000; i++)
        {
            h.Server.Service.Create(BuiltInResources.ConfigMaps, "default", new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = $"cm-{i:D5}", ["labels"] = new JsonObject { ["app"] = "bulk" } },
                ["data"] = new JsonObject { ["key"] = "value" },
            }, WriteOptions.Default);
        }

        var (code, all) = await h.GetAsync(ConfigMaps);
        Assert.Equal(200, code);
        var expected = Enumerable.Range(0, 10_000).Select(i => $"cm-{i:D5}").ToList();
        Assert.Equal(expected, Names(all));

        var paged = new List<string>();
        string? token = null;
        do
        {
            var (_, page) = await h.GetAsync($"{ConfigMaps}?limit=500" + (token is null ? "" : $"&continue={token}"));
            paged.AddRange(Names(page));
            token = page["metadata"]!["continue"]?.GetValue<string>();
        }
        while (token is not null);

        Assert.Equal(expected, paged);
    }

    private static List<string> Names(JsonObject list) =>
        list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToList();
}
