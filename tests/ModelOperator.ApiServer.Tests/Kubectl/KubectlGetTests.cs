using ModelOperator.ApiServer.Tests.Support;

namespace ModelOperator.ApiServer.Tests.Kubectl;

/// <summary>kubectl get as a table (printer columns), as YAML, by label and across namespaces, and watching.</summary>
public sealed class KubectlGetTests
{
    [Fact]
    public async Task Get_prints_the_printer_columns_of_a_custom_resource()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Kubectl.ApplyAsync(Manifests.WidgetCrd);
        await h.Kubectl.ApplyAsync(Manifests.Widget("w1", color: "green", replicas: 4));

        var lines = (await h.Kubectl.RunAsync("get", "widgets")).EnsureSuccess().Lines;

        Assert.Equal(["NAME", "COLOR", "REPLICAS", "READY", "AGE"], Words(lines[0]));
        var row = Words(lines[1]);
        Assert.Equal(["w1", "green", "4"], row[..3]);
        Assert.Matches("^[0-9]+s$", row[^1]);
    }

    [Fact]
    public async Task Get_prints_deployment_columns_and_short_names_work()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Kubectl.ApplyAsync(Manifests.Deployment("web", replicas: 3));

        var lines = (await h.Kubectl.RunAsync("get", "deploy", "-o", "wide")).EnsureSuccess().Lines;

        Assert.Equal(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"], Words(lines[0]));
        var row = Words(lines[1]);
        Assert.Equal(["web", "0/3", "0", "0"], row[..4]);
        Assert.Equal(["app", "nginx:1.25", "app=web"], row[^3..]);
    }

    [Fact]
    public async Task Get_as_yaml_with_a_label_selector_and_across_namespaces()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Kubectl.ApplyAsync(Manifests.WidgetCrd);
        await h.Kubectl.ApplyAsync("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n");
        await h.Kubectl.ApplyAsync(Manifests.Widget("w1", labels: "tier: front"));
        await h.Kubectl.ApplyAsync(Manifests.Widget("w2", labels: "tier: back"));
        await h.Kubectl.ApplyAsync(Manifests.Widget("w3", ns: "team-a", labels: "tier: front"));

        var yaml = (await h.Kubectl.RunAsync("get", "widget", "w1", "-o", "yaml")).EnsureSuccess().Stdout;
        Assert.Contains("kind: Widget", yaml, StringComparison.Ordinal);
        Assert.Contains("color: red", yaml, StringComparison.Ordinal);
        Assert.Matches("resourceVersion: \"[0-9]+\"", yaml);
        Assert.Contains("uid: ", yaml, StringComparison.Ordinal);

        var front = (await h.Kubectl.RunAsync("get", "wd", "-l", "tier=front", "-o", "name")).EnsureSuccess().Lines;
        Assert.Equal(["widget.example.com/w1"], front);

        var notFront = (await h.Kubectl.RunAsync("get", "wd", "-l", "tier!=front", "-o", "name")).EnsureSuccess().Lines;
        Assert.Equal(["widget.example.com/w2"], notFront);

        var all = (await h.Kubectl.RunAsync("get", "widgets", "-A", "-l", "tier in (front)")).EnsureSuccess().Lines;
        Assert.Equal(["NAMESPACE", "NAME", "COLOR", "REPLICAS", "READY", "AGE"], Words(all[0]));
        Assert.Equal([("default", "w1"), ("team-a", "w3")], all[1..].Select(l => (Words(l)[0], Words(l)[1])).ToArray());
    }

    [Fact]
    public async Task Get_watch_prints_a_new_line_when_the_object_changes()
    {
        await using var h = await ServerHarness.StartAsync();
        await h.Kubectl.ApplyAsync(Manifests.WidgetCrd);
        await h.Kubectl.ApplyAsync(Manifests.Widget("w1"));

        using var watch = h.Kubectl.Start("get", "widgets", "-w");
        await watch.WaitForLineAsync(l => l.StartsWith("w1", StringComparison.Ordinal) && l.Contains("red", StringComparison.Ordinal));
        await WaitForWatchAsync(h);

        var (code, _) = await h.PatchAsync("/apis/example.com/v1/namespaces/default/widgets/w1", """{"spec":{"color":"blue"}}""");
        Assert.Equal(200, code);

        var line = await watch.WaitForLineAsync(l => l.StartsWith("w1", StringComparison.Ordinal) && l.Contains("blue", StringComparison.Ordinal));
        Assert.Equal(["w1", "blue", "1"], Words(line)[..3]);
    }

    /// <summary>kubectl opens its watch right after printing the list; wait until the server has it.</summary>
    internal static async Task WaitForWatchAsync(ServerHarness h)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (h.Server.OpenWatches == 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    internal static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
