using System.Globalization;
using System.Text.Json;

namespace ModelOperator.Operator.Analysis.UserMetrics;

/// <summary>Reads one number from a JSON answer at a dotted path (<c>data.0.value</c>). Pure.</summary>
public static class JsonNumber
{
    /// <summary>
    /// <code>
    /// a number at the path                     → its value
    /// a string holding a number ("0.97", "NaN") → its value
    /// null at the path                          → NaN (no data: inconclusive, never a pass)
    /// the path missing, or another JSON type    → an error naming the path
    /// a body that is not JSON                   → an error (the body is never repeated)
    /// </code>
    /// A segment of digits indexes an array, any other segment names an object member.
    /// </summary>
    public static (double Value, string? Error) Read(string body, string path)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrEmpty(path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return (double.NaN, "the answer is not JSON");
        }

        using (doc)
        {
            var at = doc.RootElement;
            foreach (var segment in path.Split('.'))
            {
                if (at.ValueKind == JsonValueKind.Array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < at.GetArrayLength())
                {
                    at = at[index];
                }
                else if (at.ValueKind == JsonValueKind.Object && at.TryGetProperty(segment, out var member))
                {
                    at = member;
                }
                else
                {
                    return (double.NaN, $"the answer has nothing at {path}");
                }
            }

            return at.ValueKind switch
            {
                JsonValueKind.Number => (at.GetDouble(), null),
                JsonValueKind.Null => (double.NaN, null),
                JsonValueKind.String when double.TryParse(at.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => (parsed, null),
                _ => (double.NaN, $"the answer has no number at {path}"),
            };
        }
    }
}
