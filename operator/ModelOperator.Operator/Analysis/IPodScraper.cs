using System.Globalization;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Analysis;

/// <summary>Reads one HTTP path from a serving pod (its <c>/metrics</c>, <c>/v2/health/ready</c>, stats).</summary>
public interface IPodScraper
{
    /// <summary>The status code and body; throws <see cref="HttpRequestException"/> or a timeout when the pod does not answer.</summary>
    Task<(int Status, string Body)> GetAsync(Pod pod, string path, CancellationToken cancellationToken);
}

/// <summary>Reads pods over HTTP at <c>http://podIP:port/path</c>, with a timeout per request.</summary>
public sealed class HttpPodScraper(HttpClient http, int port, TimeSpan timeout) : IPodScraper
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
        using var response = await http.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}{path}")), cts.Token).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false));
    }
}
