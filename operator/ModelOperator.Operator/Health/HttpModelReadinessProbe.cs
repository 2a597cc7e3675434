using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Operator.Analysis;

namespace ModelOperator.Operator.Health;

/// <summary>
/// Reads <c>GET /v2/health/ready</c> of a pod through an <see cref="IPodScraper"/> (which carries the port and a short
/// timeout). 200 means ready; 503 carries <c>{"ready":false,"reason":"…","message":"…"}</c>.
/// </summary>
public sealed partial class HttpModelReadinessProbe(IPodScraper scraper, ILogger<HttpModelReadinessProbe> logger) : IModelReadinessProbe
{
    public const string Path = "/v2/health/ready";

    public async Task<ModelReadiness?> ProbeAsync(Pod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        try
        {
            var (status, body) = await scraper.GetAsync(pod, Path, cancellationToken).ConfigureAwait(false);
            return Parse(status, body);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.Unreachable(logger, pod.Metadata.Name ?? string.Empty, e.Message);
            return null;
        }
    }

    /// <summary>
    /// The answer of the ready endpoint: 200 → ready; any other status with a JSON body naming a reason → not ready with
    /// that reason and message; anything else → null (unknown). Examples: (503, <c>{"ready":false,"reason":"Loading"}</c>)
    /// → not ready, Loading; (200, "") → ready; (503, "oops") → null; (404, "") → null; a reason that is not one word of
    /// letters and digits starting upper-case (at most 64) → null; a message longer than <see cref="MaxMessageLength"/> is cut.
    /// </summary>
    public static ModelReadiness? Parse(int status, string body)
    {
        if (status == 200)
        {
            return new ModelReadiness(true, null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrEmpty(body) ? "null" : body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("reason", out var reason) || reason.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(reason.GetString()))
            {
                return null;
            }

            // The reason is a word from a short list and the message a sentence; a pod that sends anything longer or
            // stranger is not believed (what it sends ends up in status and Events).
            if (!IsReasonWord(reason.GetString()!))
            {
                return null;
            }

            var message = doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (message is { Length: > MaxMessageLength })
            {
                message = string.Concat(message.AsSpan(0, MaxMessageLength), "…");
            }

            return new ModelReadiness(false, reason.GetString(), message);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The longest message of a pod's ready endpoint kept; longer ones are cut there.</summary>
    public const int MaxMessageLength = 1024;

    private static bool IsReasonWord(string reason) =>
        reason.Length <= 64 && char.IsAsciiLetterUpper(reason[0]) && reason.All(char.IsAsciiLetterOrDigit);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Model server of pod {Pod} did not answer its ready endpoint: {Error}")]
        public static partial void Unreachable(ILogger logger, string pod, string error);
    }
}
