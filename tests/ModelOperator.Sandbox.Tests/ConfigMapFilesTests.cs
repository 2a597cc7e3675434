using ModelOperator.Kubernetes.Models;
using ModelOperator.Sandbox.Nodes;

namespace ModelOperator.Sandbox.Tests;

/// <summary>The node agent's configMap volumes: the ConfigMap's keys as files, kept current, and the DNS stand-in.</summary>
public sealed class ConfigMapFilesTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "configmap-files-" + Guid.NewGuid().ToString("N"));

    private static ConfigMap Of(params (string Key, string Value)[] data) => new()
    {
        Metadata = new ObjectMeta { Name = "churn-shadow", Namespace = "ml" },
        Data = data.ToDictionary(d => d.Key, d => d.Value),
    };

    private static int? Ports(string ns, string service) => (ns, service) switch
    {
        ("ml", "churn-04115c9a7b") => 41234,
        _ => null,
    };

    [Theory]
    [InlineData("""{"target":"http://churn-04115c9a7b.ml.svc:80"}""", """{"target":"http://127.0.0.1:41234"}""")]
    [InlineData("http://churn-04115c9a7b.ml.svc.cluster.local:80/v2", "http://127.0.0.1:41234/v2")]
    [InlineData("http://churn-04115c9a7b.ml.svc", "http://127.0.0.1:41234")]
    [InlineData("http://churn-04115c9a7b.other.svc:80", "http://churn-04115c9a7b.other.svc:80")] // no such Service (or no ready pod): as written
    [InlineData("http://example.com:80", "http://example.com:80")]
    public void Service_urls_resolve_to_a_ready_pods_loopback_port(string written, string seen) =>
        Assert.Equal(seen, ConfigMapFiles.ResolveServiceUrls(written, Ports));

    [Fact]
    public void The_folder_holds_exactly_the_keys_and_follows_changes_and_deletion()
    {
        // Given a ConfigMap with two keys
        ConfigMapFiles.Write(_folder, ConfigMapFiles.For(Of(("shadow.json", """{"target":"http://churn-04115c9a7b.ml.svc:80"}"""), ("other", "x")), Ports));
        Assert.Equal("""{"target":"http://127.0.0.1:41234"}""", File.ReadAllText(Path.Combine(_folder, "shadow.json")));
        Assert.Equal("x", File.ReadAllText(Path.Combine(_folder, "other")));

        // When one key changes and the other goes
        ConfigMapFiles.Write(_folder, ConfigMapFiles.For(Of(("shadow.json", "{}")), Ports));
        Assert.Equal("{}", File.ReadAllText(Path.Combine(_folder, "shadow.json")));
        Assert.Equal(["shadow.json"], Directory.GetFiles(_folder).Select(Path.GetFileName));

        // And when the (optional) ConfigMap is deleted, the folder is empty
        ConfigMapFiles.Write(_folder, ConfigMapFiles.For(null, Ports));
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void A_configMap_volume_is_a_folder_of_the_pod_and_no_longer_refused()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "p", Namespace = "ml", Uid = "u1" },
            Spec = new PodSpec
            {
                Containers = [new Container { Name = "c", VolumeMounts = [new VolumeMount { Name = "shadow", MountPath = "/etc/modeloperator/shadow", ReadOnly = true }] }],
                Volumes = [new Volume { Name = "shadow", ConfigMap = new ConfigMapVolumeSource { Name = "churn-shadow", Optional = true } }],
            },
        };

        var (paths, error) = VolumePaths.Resolve(pod, new Dictionary<string, string>(), _folder);

        Assert.Null(error);
        Assert.Equal(Path.Combine(_folder, "u1", "shadow", "shadow.json"), paths!.Rewrite("/etc/modeloperator/shadow/shadow.json"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
