using System.Text.Json;
using ModelOperator.Runtime.Drift;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Endpoints;

/// <summary>
/// GET /v2/models/{name}/stats: the drift window as JSON for consumers without Prometheus (the
/// operator's "direct" analysis provider reads it): per-feature and prediction drift with the
/// sample counts they rest on, data quality, and when drift was first detected.
/// </summary>
internal static class StatsEndpoint
{
    public static Task WriteAsync(HttpContext context, ModelStatus status, ServerOptions options)
    {
        var monitor = status.Model?.Predictions?.Monitor;
        if (monitor is null)
        {
            return JsonResponses.WriteAsync(context, 200, w =>
            {
                w.WriteString("model", options.ModelName);
                w.WriteString("version", options.ModelVersion);
                w.WriteBoolean("ready", status.Ready);
                w.WriteBoolean("profile", false);
                w.WriteString(
                    "message",
                    status.Ready
                        ? "no reference profile: set MODEL_PROFILE_URI to measure drift (docs/drift-profile.md)"
                        : $"the model is not ready: {status.Reason}: {status.Message}");
            });
        }

        var snapshot = monitor.Snapshot();
        return JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteString("model", options.ModelName);
            w.WriteString("version", options.ModelVersion);
            w.WriteBoolean("ready", status.Ready);
            w.WriteBoolean("profile", true);
            w.WriteStartObject("window");
            w.WriteString("start", snapshot.WindowStart);
            w.WriteString("end", snapshot.At);
            w.WriteNumber("seconds", options.DriftWindow.TotalSeconds);
            w.WriteNumber("bucketSeconds", options.DriftBucket.TotalSeconds);
            w.WriteEndObject();
            w.WriteNumber("rows", snapshot.Rows);
            w.WriteString("verdict", snapshot.Verdict.ToString());
            w.WriteStartObject("drift");
            w.WriteBoolean("detected", snapshot.State.IsDrifting);
            WriteTime(w, "detectedAt", snapshot.State.DetectedAt);
            WriteTime(w, "clearedAt", snapshot.State.ClearedAt);
            w.WriteNumber("psiThreshold", options.DriftPsiThreshold);
            WriteNumber(w, "jsDistanceThreshold", options.DriftJsThreshold ?? double.NaN);
            w.WriteNumber("minSamples", options.DriftMinSamples);
            w.WriteEndObject();
            WriteSeries(w, "features", snapshot.Features);
            WriteSeries(w, "predictions", snapshot.Outputs);
            w.WriteStartObject("dataQuality");
            var all = snapshot.Features.Concat(snapshot.Outputs).ToArray();
            w.WriteNumber("nan", all.Sum(s => s.NaNCount));
            w.WriteNumber("infinite", all.Sum(s => s.InfiniteCount));
            w.WriteNumber("outOfRange", all.Sum(s => s.OutOfRangeCount));
            w.WriteNumber("unseenCategory", all.Sum(s => s.UnseenCategoryCount));
            w.WriteEndObject();
            w.WriteNumber("droppedRecords", snapshot.DroppedRecords);
        });
    }

    private static void WriteSeries(Utf8JsonWriter w, string property, IReadOnlyList<SeriesDrift> series)
    {
        w.WriteStartArray(property);
        foreach (var s in series)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("kind", s.Kind.ToString());
            w.WriteNumber("samples", s.SampleCount);
            WriteNumber(w, "psi", s.Psi);
            WriteNumber(w, "jsDistance", s.JensenShannonDistance);
            w.WriteString("verdict", s.Verdict.ToString());
            w.WriteStartObject("dataQuality");
            w.WriteNumber("nan", s.NaNCount);
            w.WriteNumber("infinite", s.InfiniteCount);
            w.WriteNumber("outOfRange", s.OutOfRangeCount);
            w.WriteNumber("unseenCategory", s.UnseenCategoryCount);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    // NaN (no data) has no JSON number: it is written as null.
    private static void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void WriteTime(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            w.WriteString(name, time);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
