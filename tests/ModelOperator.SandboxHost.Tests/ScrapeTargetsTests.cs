using System.Text.Json;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Sandbox;
using ModelOperator.SandboxHost.Prometheus;

namespace ModelOperator.SandboxHost.Tests;

public sealed class ScrapeTargetsTests
{
    private static Pod Pod(string name, string? port = "31000", string scrape = "true", string phase = "Running", bool terminating = false) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "default",
            Labels = new Dictionary<string, string> { ["modeloperator.io/revision"] = "churn-abc", ["app.kubernetes.io/name"] = "churn" },
            Annotations = port is null
                ? new Dictionary<string, string> { [ScrapeTargets.ScrapeAnnotation] = scrape }
                : new Dictionary<string, string> { [ScrapeTargets.ScrapeAnnotation] = scrape, [SandboxNames.PortAnnotation] = port, [ScrapeTargets.PathAnnotation] = "/metrics" },
            DeletionTimestamp = terminating ? DateTimeOffset.UnixEpoch : null,
        },
        Status = new PodStatus { Phase = phase },
    };

    [Theory]
    [InlineData("a running annotated pod with its port", "31000", "true", "Running", false, true)]
    [InlineData("no port yet", null, "true", "Running", false, false)]
    [InlineData("not annotated for scraping", "31000", "false", "Running", false, false)]
    [InlineData("pending", "31000", "true", "Pending", false, false)]
    [InlineData("terminating", "31000", "true", "Running", true, false)]
    public void A_pod_is_a_target_only_when_a_pod_scrape_job_would_scrape_it(string _, string? port, string scrape, string phase, bool terminating, bool expected)
    {
        Assert.Equal(expected, ScrapeTargets.IsTarget(Pod("p", port, scrape, phase, terminating)));
    }

    [Fact]
    public void The_file_sd_document_has_the_loopback_target_and_the_labels_a_kubernetes_pods_job_keeps_sorted_by_name()
    {
        var json = ScrapeTargets.FileSd([Pod("b", "31002"), Pod("a", "31001"), Pod("c", null)]);

        using var doc = JsonDocument.Parse(json);
        var groups = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal("127.0.0.1:31001", groups[0].GetProperty("targets")[0].GetString());
        var labels = groups[0].GetProperty("labels");
        Assert.Equal("a", labels.GetProperty("pod").GetString());
        Assert.Equal("default", labels.GetProperty("namespace").GetString());
        Assert.Equal("churn-abc", labels.GetProperty("modeloperator_io_revision").GetString());
        Assert.Equal("churn", labels.GetProperty("app_kubernetes_io_name").GetString());
        Assert.Equal("/metrics", labels.GetProperty("__metrics_path__").GetString());
        Assert.Equal(json, ScrapeTargets.FileSd([Pod("a", "31001"), Pod("b", "31002")])); // same pods, same bytes: no needless rewrite
    }

    [Theory]
    [InlineData("modeloperator.io/revision", "modeloperator_io_revision")]
    [InlineData("app", "app")]
    [InlineData("9lives", "_9lives")]
    public void Label_keys_become_prometheus_label_names(string key, string expected)
    {
        Assert.Equal(expected, ScrapeTargets.LabelName(key));
    }

    [Fact]
    public void The_prometheus_config_scrapes_both_target_files_and_loads_the_rules()
    {
        var config = PrometheusServer.Config("/s/pods.json", "/s/operators.json", ["/repo/deploy/prometheus/rules.yml"], TimeSpan.FromSeconds(2));

        Assert.Contains("scrape_interval: 2000ms", config, StringComparison.Ordinal);
        Assert.Contains("- job_name: kubernetes-pods", config, StringComparison.Ordinal);
        Assert.Contains("files: [\"/s/pods.json\"]", config, StringComparison.Ordinal);
        Assert.Contains("files: [\"/s/operators.json\"]", config, StringComparison.Ordinal);
        Assert.Contains("- \"/repo/deploy/prometheus/rules.yml\"", config, StringComparison.Ordinal);
    }
}
