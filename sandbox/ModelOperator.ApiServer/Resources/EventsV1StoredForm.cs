using System.Text.Json.Nodes;
using ModelOperator.ApiServer.Errors;
using ModelOperator.ApiServer.Json;

namespace ModelOperator.ApiServer.Resources;

/// <summary>
/// events.k8s.io/v1 Events over the core/v1 Event store, with the field names of the real conversion (note ↔ message,
/// regarding ↔ involvedObject, reportingController ↔ reportingComponent, deprecatedSource/FirstTimestamp/LastTimestamp/
/// Count ↔ source/firstTimestamp/lastTimestamp/count), and the validation kube-apiserver applies to writes through
/// events.k8s.io/v1: eventTime, reportingController, reportingInstance, action and reason required, type Normal or
/// Warning, the deprecated fields unset, a series of at least 2 with a lastObservedTime, and on update only series
/// and metadata may change (the error paths name the internal fields, as the real server's do).
/// </summary>
internal sealed class EventsV1StoredForm : IStoredForm
{
    public const int LengthLimit = 128;
    public const int NoteLengthLimit = 1024;

    private static readonly (string External, string Stored)[] Renames =
    [
        ("note", "message"), ("regarding", "involvedObject"), ("reportingController", "reportingComponent"), ("deprecatedSource", "source"),
        ("deprecatedFirstTimestamp", "firstTimestamp"), ("deprecatedLastTimestamp", "lastTimestamp"), ("deprecatedCount", "count"),
    ];

    /// <summary>The fields an update through events.k8s.io/v1 may not change, by their internal (core) names.</summary>
    private static readonly string[] Immutable =
        ["involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "action", "related", "eventTime", "type", "reportingComponent", "reportingInstance"];

    public string StorageKey => "events";

    public JsonObject ToStorage(JsonObject external)
    {
        var stored = Rename(external, toStorage: true);
        stored["apiVersion"] = "v1";
        return stored;
    }

    public JsonObject FromStorage(JsonObject stored) => Rename(stored, toStorage: false);

    public List<StatusCause> Validate(JsonObject external, JsonObject? old)
    {
        var causes = new List<StatusCause>();
        Required(external, "eventTime", causes);
        Bounded(external, "reportingController", LengthLimit, causes, required: true);
        Bounded(external, "reportingInstance", LengthLimit, causes, required: true);
        Bounded(external, "action", LengthLimit, causes, required: true);
        Bounded(external, "reason", LengthLimit, causes, required: true);
        Bounded(external, "note", NoteLengthLimit, causes, required: false, internalName: "message");
        if (old is null || !JsonHelpers.DeepEquals(external["series"], old["series"]))
        {
            ValidateSeries(external.GetObject("series"), causes);
        }

        if (old is null)
        {
            var type = external.GetString("type");
            if (type is not ("Normal" or "Warning"))
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"\": has invalid value: {type}", "type"));
            }

            foreach (var field in new[] { "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount", "deprecatedSource" })
            {
                if (external[field] is { } value && !IsZero(value))
                {
                    causes.Add(new StatusCause("FieldValueInvalid", "Invalid value: \"\": needs to be unset", field));
                }
            }

            return causes;
        }

        var stored = ToStorage(external);
        var oldStored = ToStorage(old);
        foreach (var field in Immutable)
        {
            if (!JsonHelpers.DeepEquals(stored[field], oldStored[field]))
            {
                causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {JsonHelpers.Display(stored[field])}: field is immutable", field));
            }
        }

        return causes;
    }

    private static JsonObject Rename(JsonObject source, bool toStorage)
    {
        var result = new JsonObject();
        foreach (var (key, value) in source)
        {
            var renamed = Renames.FirstOrDefault(r => (toStorage ? r.External : r.Stored) == key);
            var name = renamed == default ? key : toStorage ? renamed.Stored : renamed.External;
            result[name] = value?.DeepClone();
        }

        return result;
    }

    private static void ValidateSeries(JsonObject? series, List<StatusCause> causes)
    {
        if (series is null)
        {
            return;
        }

        if ((JsonHelpers.AsInt64(series["count"]) ?? 0) < 2)
        {
            causes.Add(new StatusCause("FieldValueInvalid", "Invalid value: \"\": should be at least 2", "series.count"));
        }

        if (string.IsNullOrEmpty(series.GetString("lastObservedTime")))
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", "series.lastObservedTime"));
        }
    }

    private static void Required(JsonObject o, string field, List<StatusCause> causes)
    {
        if (string.IsNullOrEmpty(JsonHelpers.ScalarText(o[field])))
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", field));
        }
    }

    private static void Bounded(JsonObject o, string field, int limit, List<StatusCause> causes, bool required, string? internalName = null)
    {
        var text = o.GetString(field) ?? "";
        if (required && text.Length == 0)
        {
            causes.Add(new StatusCause("FieldValueRequired", "Required value", field));
        }
        else if (text.Length > limit)
        {
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"\": can have at most {limit} characters", internalName ?? field));
        }
    }

    private static bool IsZero(JsonNode value) => value switch
    {
        JsonObject o => o.Count == 0 || o.All(p => p.Value is null || (JsonHelpers.ScalarText(p.Value) ?? "").Length == 0),
        _ => JsonHelpers.ScalarText(value) is null or "" or "0",
    };
}
