using System.Globalization;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Http;

namespace ModelOperator.Operator.Analysis;

/// <summary>Reads one HTTP path from a serving pod (its <c>/metrics</c>, <c>/v2/health/ready</c>, stats).</summary>
public interface IPodScraper
{
    /// <summary>The status code and body; throws <see cref="HttpRequestException"/> (an <see cref="OutboundHttpException"/> naming the bound) when the pod cannot be read.</summary>
    Task<(int Status, string Body)> GetAsync(Pod pod, string path, CancellationToken cancellationToken);
}

/// <summary>
/// Reads pods over HTTP at <c>http://podIP:port/path</c> through the operator's <see cref="OutboundHttp"/> (its timeout,
/// size cap, no redirects, the reconcile's budget), with <paramref name="timeout"/> per request (null: ANALYSIS_TIMEOUT).
/// The port is <c>port</c>, unless <c>portAnnotation</c> is set and the pod carries that annotation with a valid port
/// (the local sandbox, where all pods share one loopback address).
/// </summary>
public sealed class HttpPodScraper(OutboundHttp http, int port, TimeSpan? timeout = null, string? portAnnotation = null) : IPodScraper
{
    public async Task<(int Status, string Body)> GetAsync(Pod pod, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(http);
        var ip = pod.Status?.PodIP;
        if (string.IsNullOrEmpty(ip))
        {
            throw new HttpRequestException($"pod {pod.Metadata.Name} has no IP yet");
        }

        var host = ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip;
        return await http.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{PortOf(pod)}{path}")), timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The port to read <paramref name="pod"/> on: the annotation's value when configured and valid (1-65535), else the fixed port.</summary>
    public int PortOf(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return portAnnotation is not null
            && pod.Metadata.Annotations?.TryGetValue(portAnnotation, out var value) == true
            && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var annotated)
            && annotated is >= 1 and <= 65535
            ? annotated
            : port;
    }
}
