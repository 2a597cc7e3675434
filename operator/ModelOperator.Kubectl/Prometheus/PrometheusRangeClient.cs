using System.Globalization;
using System.Text.Json;

namespace ModelOperator.Kubectl.Prometheus;

/// <summary>
/// Range queries (<c>/api/v1/query_range</c>) for the plugin's timelines, bounded like every outbound call of this
/// project: one request, <see cref="Timeout"/> in all, no redirects, at most <see cref="MaxResponseBytes"/> read. It never
/// throws but for cancellation: what went wrong comes back as a message in the plugin's words (Prometheus's own error
/// text is not repeated).
/// </summary>
internal sealed class PrometheusRangeClient(HttpMessageHandler handler)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public const int MaxResponseBytes = 4 << 20;

    /// <summary>Per value of <paramref name="label"/>, the series' points at each step from start to end (NaN where it has none).</summary>
    public async Task<(IReadOnlyDictionary<string, double[]> Series, string? Error)> QueryRangeAsync(
        Uri baseUri, string query, string label, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        var uri = new Uri(baseUri, string.Create(CultureInfo.InvariantCulture,
            $"api/v1/query_range?query={Uri.EscapeDataString(query)}&start={start.ToUnixTimeSeconds()}&end={end.ToUnixTimeSeconds()}&step={(long)step.TotalSeconds}"));
        using var http = new HttpClient(handler, disposeHandler: false) { Timeout = Timeout, MaxResponseContentBufferSize = MaxResponseBytes };
        string body;
        int status;
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                return (Empty, $"Prometheus at {baseUri} answered HTTP {status} (a redirect, not followed)");
            }

            body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return (Empty, $"cannot reach Prometheus at {baseUri}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (Empty, $"Prometheus at {baseUri} did not answer within {Timeout.TotalSeconds:0}s");
        }

        var points = (int)((end - start).Ticks / step.Ticks) + 1;
        return Parse(body, status, label, start, step, points);
    }

    /// <summary>Reads <c>{"status":"success","data":{"resultType":"matrix","result":[{"metric":{…},"values":[[t,"v"],…]}]}}</c>.</summary>
    internal static (IReadOnlyDictionary<string, double[]> Series, string? Error) Parse(string body, int status, string label, DateTimeOffset start, TimeSpan step, int points)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var s) || s.ValueKind != JsonValueKind.String || s.GetString() != "success")
            {
                return (Empty, $"Prometheus answered HTTP {status} without status success");
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
            {
                return (Empty, $"Prometheus answered HTTP {status} without a data.result array");
            }

            var series = new Dictionary<string, double[]>(StringComparer.Ordinal);
            foreach (var item in result.EnumerateArray())
            {
                var name = item.TryGetProperty("metric", out var metric) && metric.ValueKind == JsonValueKind.Object
                    && metric.TryGetProperty(label, out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : string.Empty;
                var values = series[name] = Enumerable.Repeat(double.NaN, points).ToArray();
                if (!item.TryGetProperty("values", out var pairs) || pairs.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var pair in pairs.EnumerateArray())
                {
                    if (pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2 && pair[0].ValueKind == JsonValueKind.Number
                        && pair[1].ValueKind == JsonValueKind.String
                        && double.TryParse(pair[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    {
                        var index = (int)Math.Round((pair[0].GetDouble() - start.ToUnixTimeSeconds()) / step.TotalSeconds);
                        if (index >= 0 && index < points)
                        {
                            values[index] = value;
                        }
                    }
                }
            }

            return (series, null);
        }
        catch (JsonException)
        {
            return (Empty, $"Prometheus answered HTTP {status} with a body that is not JSON");
        }
    }

    private static readonly IReadOnlyDictionary<string, double[]> Empty = new Dictionary<string, double[]>();
}
