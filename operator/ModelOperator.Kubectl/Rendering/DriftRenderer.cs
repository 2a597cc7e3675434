using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ModelOperator.Api;

namespace ModelOperator.Kubectl.Rendering;

/// <summary>
/// <c>kubectl model drift</c>: the stable revision's features from <c>status.stableDrift</c> as a table, with the last
/// hour's score per feature as a sparkline when Prometheus answered (else a line saying the values are the operator's
/// last measurement only), or the same as a JSON object for <c>-o json|yaml</c>.
/// </summary>
internal static class DriftRenderer
{
    /// <summary>Characters of a timeline (the hour in 2-minute columns).</summary>
    public const int TimelineWidth = 30;

    /// <param name="timeline">Per feature, the hour's scores (oldest first); null when there is none.</param>
    /// <param name="note">Why there is no timeline, or null.</param>
    public static string Render(ModelDeployment md, IReadOnlyDictionary<string, double[]>? timeline, string? note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(md);
        var text = new StringBuilder();
        var drift = md.Status?.StableDrift;
        if (drift is null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"No drift measured for the stable revision of {md.Metadata.Name} yet: the operator measures it every analysis interval once spec.model.profile is set.");
            return text.ToString();
        }

        var version = md.Status?.StableRevision?.Name == drift.Revision ? md.Status?.StableRevision?.ModelVersion : null;
        text.Append(CultureInfo.InvariantCulture, $"Stable revision {drift.Revision}")
            .Append(version is null ? string.Empty : $" (model version {version})")
            .Append(drift.ObservedAt is { } at ? $", measured {Age.Relative(at, now)}" : string.Empty)
            .AppendLine(CultureInfo.InvariantCulture, $", {drift.Samples ?? 0} rows in the drift windows");
        var features = drift.Features ?? [];
        if (features.Count == 0)
        {
            text.AppendLine("No feature has a score yet (the pods' drift windows are empty).");
            return text.ToString();
        }

        var header = new List<string> { "FEATURE", "SCORE", "THRESHOLD", "DRIFTING", "SINCE" };
        if (timeline is not null)
        {
            header.Add("LAST HOUR");
        }

        var rows = new List<IReadOnlyList<string>> { header };
        foreach (var f in features)
        {
            var row = new List<string>
            {
                f.Name ?? string.Empty,
                Number(f.Score),
                Number(f.Threshold),
                f.Drifting == true ? "yes" : "no",
                f.Since is { } since ? $"{Age.Timestamp(since)} ({Age.Relative(since, now)})" : "-",
            };
            if (timeline is not null)
            {
                row.Add(timeline.TryGetValue(f.Name ?? string.Empty, out var points) ? Sparkline.Render(points, TimelineWidth, f.Threshold ?? 0) : "(no data)");
            }

            rows.Add(row);
        }

        foreach (var line in Table.Lines(rows))
        {
            text.AppendLine(line);
        }

        if (note is not null)
        {
            text.AppendLine().AppendLine(note);
        }

        return text.ToString();
    }

    /// <summary>The same as an object for <c>-o json|yaml</c>: status.stableDrift, and each feature's hour when there is one.</summary>
    public static JsonObject ToJson(ModelDeployment md, IReadOnlyDictionary<string, double[]>? timeline, DateTimeOffset start, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(md);
        var drift = md.Status?.StableDrift;
        var features = new JsonArray();
        foreach (var f in drift?.Features ?? [])
        {
            var feature = new JsonObject
            {
                ["name"] = f.Name,
                ["score"] = f.Score,
                ["threshold"] = f.Threshold,
                ["drifting"] = f.Drifting,
            };
            if (f.Since is { } since)
            {
                feature["since"] = Age.Timestamp(since);
            }

            if (timeline?.TryGetValue(f.Name ?? string.Empty, out var points) == true)
            {
                feature["lastHour"] = new JsonArray(points
                    .Select((v, i) => (v, i))
                    .Where(p => double.IsFinite(p.v))
                    .Select(p => (JsonNode)new JsonObject { ["time"] = Age.Timestamp(start + (step * p.i)), ["score"] = Math.Round(p.v, 3) })
                    .ToArray());
            }

            features.Add(feature);
        }

        var result = new JsonObject
        {
            ["name"] = md.Metadata.Name,
            ["namespace"] = md.Metadata.Namespace,
            ["stableRevision"] = drift?.Revision,
            ["observedAt"] = drift?.ObservedAt is { } at ? Age.Timestamp(at) : null,
            ["samples"] = drift?.Samples,
            ["timeline"] = timeline is null ? "none" : "prometheus",
            ["features"] = features,
        };
        return result;
    }

    private static string Number(double? value) => value is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "-";
}
