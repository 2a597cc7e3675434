using System.Text;
using System.Text.Json;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Sandbox;

namespace ModelOperator.SandboxHost.Prometheus;

/// <summary>
/// The sandbox's stand-in for Prometheus' Kubernetes pod discovery (pure): the pods a usual <c>kubernetes-pods</c> job
/// scrapes, as a <c>file_sd</c> document. A pod is a target when it is annotated <c>prometheus.io/scrape: "true"</c>, runs,
/// is not terminating and has its sandbox port; the target is <c>127.0.0.1:&lt;port&gt;</c>, the path comes from
/// <c>prometheus.io/path</c> (default <c>/metrics</c>), and the labels are those the usual relabelling keeps:
/// <c>namespace</c>, <c>pod</c>, and every pod label with its name made a valid label name
/// (<c>modeloperator.io/revision</c> → <c>modeloperator_io_revision</c>). The operator's Prometheus analysis selects pods
/// by <c>namespace</c> and <c>pod</c>, as it does in a cluster.
/// </summary>
public static class ScrapeTargets
{
    public const string ScrapeAnnotation = "prometheus.io/scrape";
    public const string PathAnnotation = "prometheus.io/path";

    /// <summary>The file_sd JSON for <paramref name="pods"/>, targets sorted by namespace and name so that equal input gives equal bytes.</summary>
    public static string FileSd(IEnumerable<Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var groups = pods
            .Where(IsTarget)
            .OrderBy(p => p.Metadata.Namespace, StringComparer.Ordinal).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .Select(p => new Dictionary<string, object>
            {
                ["targets"] = new[] { $"127.0.0.1:{p.Metadata.Annotations![SandboxNames.PortAnnotation]}" },
                ["labels"] = Labels(p),
            })
            .ToList();
        return JsonSerializer.Serialize(groups, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Whether a usual pod scrape job would scrape <paramref name="pod"/> now.</summary>
    public static bool IsTarget(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var annotations = pod.Metadata.Annotations;
        return annotations is not null
            && annotations.TryGetValue(ScrapeAnnotation, out var scrape) && scrape == "true"
            && annotations.TryGetValue(SandboxNames.PortAnnotation, out var port) && int.TryParse(port, out _)
            && pod.Metadata.DeletionTimestamp is null
            && pod.Status?.Phase == "Running";
    }

    private static SortedDictionary<string, string> Labels(Pod pod)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pod.Metadata.Labels ?? new Dictionary<string, string>())
        {
            labels[LabelName(key)] = value;
        }

        labels["namespace"] = pod.Metadata.Namespace ?? string.Empty;
        labels["pod"] = pod.Metadata.Name ?? string.Empty;
        if (pod.Metadata.Annotations!.TryGetValue(PathAnnotation, out var path) && path.StartsWith('/'))
        {
            labels["__metrics_path__"] = path;
        }

        return labels;
    }

    /// <summary>A Kubernetes label key as a Prometheus label name: every character outside [a-zA-Z0-9_] becomes '_'.</summary>
    public static string LabelName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return name.Length > 0 && char.IsAsciiDigit(name[0]) ? "_" + name : name.ToString();
    }
}
