using System.Globalization;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Analysis;

/// <summary>Reads one HTTP path from a serving pod (its <c>/metrics</c>, <c>/v2/health/ready</c>, stats).</summary>
public interface IPodScraper
{
    /// <summary>The status code and body; throws <see cref="HttpRequestException"/> or a timeout when the pod does not answer.</summary>
    Task<(int Status, string Body)> GetAsync(Pod pod, string path, CancellationToken cancellationToken);
}

/// <summary>
/// Reads pods over HTTP at <c>http://podIP:port/path</c>, with a timeout per request. The port is <c>port</c>, unless
/// <c>portAnnotation</c> is set and the pod carries that annotation with a valid port (the local sandbox, where all pods
/// share one loopback address).
/// </summary>
public sealed class HttpPodScraper(HttpClient http, int port, TimeSpan timeout, string? portAnnotation = null) : IPodScraper
{
    public async Task<(int Status, string Body)> GetAsync(Pod pod, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var ip = pod.Status?.PodIP;
        if (string.IsNullOrEmpty(ip))
        {
            throw new HttpRequestException($"pod {pod.Metadata.Name} has no IP yet");
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var host = ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip;
        using var response = await http.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{PortOf(pod)}{path}")), cts.Token).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false));
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
