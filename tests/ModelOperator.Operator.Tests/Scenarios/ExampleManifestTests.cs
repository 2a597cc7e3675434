using System.Text;
using ModelOperator.Api;

namespace ModelOperator.Operator.Tests.Scenarios;

/// <summary>
/// The repository's example ModelDeployments, applied as users apply them, on a server that stores what a real one stores
/// (canonical quantities, defaulted pod templates and Services, no empty lists): each converges, and then a resync finds
/// nothing to change. An operator whose "up to date?" comparison were textual would write on every resync here.
/// </summary>
public sealed class ExampleManifestTests
{
    public static TheoryData<string> Examples()
    {
        var root = RepositoryFiles.Root;
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "examples"), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (File.ReadAllText(file).Contains("kind: ModelDeployment", StringComparison.Ordinal))
            {
                data.Add(Path.GetRelativePath(root, file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task An_example_converges_and_then_resyncs_without_writes(string example)
    {
        var yaml = await File.ReadAllTextAsync(RepositoryFiles.Path(example));
        await ConvergesThenStaysQuietAsync(yaml);
    }

    [Fact]
    public async Task Quantities_written_in_any_form_resync_without_writes()
    {
        // Given resources a real server rewrites: 0.5 is stored as 500m, 1024Mi as 1Gi, 1000m as 1, 2e3 stays 2e3
        var yaml = (await File.ReadAllTextAsync(RepositoryFiles.Path("examples/churn-modeldeployment.yaml")))
            .Replace("cpu: 250m", "cpu: \"0.5\"\n        ephemeral-storage: \"2e3\"", StringComparison.Ordinal)
            .Replace("memory: 256Mi", "memory: 1024Mi", StringComparison.Ordinal)
            .Replace("memory: 512Mi", "memory: 2048Mi\n        cpu: 1000m", StringComparison.Ordinal);
        Assert.Contains("1024Mi", yaml, StringComparison.Ordinal);

        await ConvergesThenStaysQuietAsync(yaml);
    }

    private static async Task ConvergesThenStaysQuietAsync(string yaml)
    {
        await using var bed = await OperatorTestBed.StartAsync();
        using var http = new HttpClient { BaseAddress = bed.Server.BaseUrl };

        // Given the HTTPRoute an example routes through (users create it with their Gateway), opted in to the example
        if (System.Text.RegularExpressions.Regex.Match(yaml, @"\n  name: (\S+)\n[\s\S]*httpRoute: (\S+)") is { Success: true } routed)
        {
            var (owner, route) = (routed.Groups[1].Value, routed.Groups[2].Value);
            (await http.PostAsync($"apis/gateway.networking.k8s.io/v1/namespaces/{OperatorTestBed.Namespace}/httproutes",
                new StringContent($$$"""{"metadata":{"name":"{{{route}}}","annotations":{"modeloperator.io/managed-by-modeldeployment":"{{{owner}}}"}},"spec":{"rules":[{"backendRefs":[{"name":"{{{owner}}}","port":80}]}]}}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }

        // When the manifest is created as kubectl create -f sends it
        var created = await http.PostAsync($"apis/modeloperator.io/v1alpha1/namespaces/{OperatorTestBed.Namespace}/modeldeployments", new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var name = System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!["metadata"]!["name"]!.GetValue<string>();
        bed.Server.ResetWriteCounts();
        var md = await bed.RunUntilAsync(name, m => m.Status?.Phase == Phases.Healthy);
        await bed.RoundAsync(name); // the last status the controller simulation wrote is read once more

        // Then resyncs of the unchanged world write nothing, while the clock moves on (an autoscaled revision at rest keeps
        // no timestamped recommendation in status)
        Assert.Equal(md.Metadata.Generation, md.Status!.ObservedGeneration);
        bed.Server.ResetWriteCounts();
        for (var i = 0; i < 3; i++)
        {
            bed.Clock.Advance(TimeSpan.FromSeconds(30));
            await bed.RoundAsync(name);
        }

        var writes = bed.Server.AllWrites();
        var before = await bed.GetAsync(name);
        Assert.True(writes.Total == 0 && writes.StatusTotal == 0, $"a no-op resync wrote: {writes}; md writes {bed.Server.Writes("modeldeployments.modeloperator.io", OperatorTestBed.Namespace, name)}; status {System.Text.Json.JsonSerializer.Serialize(before.Status, ModelOperator.Api.ModelDeploymentJsonContext.Default.ModelDeploymentStatus)}");
    }
}
