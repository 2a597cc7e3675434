using System.Text.Json;
using ModelOperator.Api;
using ModelOperator.Rollouts.Webhooks;

namespace ModelOperator.Operator.Webhooks;

/// <summary>
/// The JSON a webhook receives: which ModelDeployment, which point of its rollout, and the revisions involved. Pure.
/// <code>
/// {"webhook":"approve","kind":"confirm","point":"beforeStep","step":2,"attempt":1,
///  "namespace":"shop","name":"churn","uid":"…","phase":"Progressing",
///  "revision":{"name":"churn-5d8f9c7b21","modelVersion":"2"},
///  "stableRevision":{"name":"churn-0a1b2c3d4e","modelVersion":"1"},
///  "canaryRevision":{"name":"churn-5d8f9c7b21","modelVersion":"2"},
///  "reason":null}
/// </code>
/// <c>step</c> is the index in spec.rollout.steps of the step about to start (beforeStep only); <c>reason</c> why the
/// revision was rolled back (onRollback only); <c>canaryRevision</c> is null when no canary runs.
/// </summary>
public static class WebhookBody
{
    public static byte[] Create(ModelDeployment md, ModelDeploymentStatus status, WebhookCall call)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(call);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("webhook", call.Name);
            json.WriteString("kind", call.Kind);
            json.WriteString("point", call.At);
            if (call.Step is { } step)
            {
                json.WriteNumber("step", step);
            }
            else
            {
                json.WriteNull("step");
            }

            json.WriteNumber("attempt", call.Attempt);
            json.WriteString("namespace", md.Metadata.Namespace);
            json.WriteString("name", md.Metadata.Name);
            json.WriteString("uid", md.Metadata.Uid);
            json.WriteString("phase", status.Phase);
            Revision(json, "revision", call.Revision, call.ModelVersion);
            Revision(json, "stableRevision", status.StableRevision?.Name, status.StableRevision?.ModelVersion);
            Revision(json, "canaryRevision", status.CanaryRevision?.Name, status.CanaryRevision?.ModelVersion);
            json.WriteString("reason", call.Reason);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Revision(Utf8JsonWriter json, string property, string? name, string? modelVersion)
    {
        if (name is null)
        {
            json.WriteNull(property);
            return;
        }

        json.WriteStartObject(property);
        json.WriteString("name", name);
        json.WriteString("modelVersion", modelVersion);
        json.WriteEndObject();
    }
}
