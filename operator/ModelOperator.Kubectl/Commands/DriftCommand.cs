using System.Text.Json;
using ModelOperator.Api;
using ModelOperator.Api.Schema;
using ModelOperator.Kubectl.Cli;
using ModelOperator.Kubectl.Prometheus;
using ModelOperator.Kubectl.Rendering;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubectl.Commands;

/// <summary>
/// <c>drift NAME</c>: the stable revision's drift per feature from status, with each feature's last hour from Prometheus
/// (<c>--prometheus URL</c>, else the address of spec.rollout.analysis.provider.prometheus): one range query,
/// <c>max by (name) (modelserver_drift_psi{namespace, pod=~"REVISION-.*", series="feature"})</c>, one point a minute.
/// Without Prometheus, or when it cannot be read, the table shows status only and says so.
/// </summary>
internal static class DriftCommand
{
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(1);

    public static async Task<int> RunAsync(IResourceClient<ModelDeployment> resource, ObjectKey key, CommandLine line, PluginEnvironment env, CancellationToken cancellationToken)
    {
        var md = await resource.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var now = env.Time.GetUtcNow();
        var start = DateTimeOffset.FromUnixTimeSeconds((now - Hour).ToUnixTimeSeconds() / 60 * 60);
        var (timeline, note) = await TimelineAsync(md, line.Prometheus, start, start + Hour, env, cancellationToken).ConfigureAwait(false);
        var output = line.Output switch
        {
            CommandLine.Json => DriftRenderer.ToJson(md, timeline, start, Step).ToJsonString(Indented) + Environment.NewLine,
            CommandLine.Yaml => YamlWriter.Write(DriftRenderer.ToJson(md, timeline, start, Step)),
            _ => DriftRenderer.Render(md, timeline, note, now),
        };
        await env.Out.WriteAsync(output).ConfigureAwait(false);
        return 0;
    }

    private static async Task<(IReadOnlyDictionary<string, double[]>? Timeline, string? Note)> TimelineAsync(
        ModelDeployment md, Uri? flag, DateTimeOffset start, DateTimeOffset end, PluginEnvironment env, CancellationToken cancellationToken)
    {
        var revision = md.Status?.StableDrift?.Revision;
        var configured = md.Spec?.Rollout?.Analysis?.Provider?.Prometheus?.Address;
        Uri? address = flag;
        if (address is null && configured is not null && !Uri.TryCreate(configured, UriKind.Absolute, out address))
        {
            return (null, "No timeline: spec.rollout.analysis.provider.prometheus.address is not a URL; the values are the operator's last measurement.");
        }

        if (address is null)
        {
            return (null, "No timeline: Prometheus is not configured (spec.rollout.analysis.provider.prometheus, or --prometheus URL); the values are the operator's last measurement, from status.");
        }

        if (revision is null || md.Status?.StableDrift?.Features is not { Count: > 0 })
        {
            return (null, null);
        }

        var baseUri = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        var query = $"max by ({ModelServerMetricNames.NameLabel}) ({ModelServerMetricNames.DriftPsi}{{{RevisionPodSelector.PromQL(md.Metadata.Namespace ?? string.Empty, revision)},{ModelServerMetricNames.SeriesLabel}=\"{ModelServerMetricNames.FeatureSeries}\"}})";
        using var handler = env.PrometheusHandler();
        var (series, error) = await new PrometheusRangeClient(handler).QueryRangeAsync(baseUri, query, ModelServerMetricNames.NameLabel, start, end, Step, cancellationToken).ConfigureAwait(false);
        return error is null
            ? (series, null)
            : (null, $"No timeline: {error}; the values are the operator's last measurement, from status.");
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
