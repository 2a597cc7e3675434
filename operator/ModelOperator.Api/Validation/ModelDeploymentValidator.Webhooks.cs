namespace ModelOperator.Api.Validation;

/// <summary>spec.rollout.webhooks: what the CRD schema cannot say, and its rules again for a server without CEL.</summary>
public static partial class ModelDeploymentValidator
{
    private static void CheckWebhooks(IReadOnlyList<RolloutWebhook>? webhooks, List<FieldProblem> problems)
    {
        // The number of webhooks is bounded by SchemaBounds ([Items] on RolloutSpec.Webhooks), retries by its [Range].
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (webhooks?.Count ?? 0); i++)
        {
            var path = $"spec.rollout.webhooks[{i}]";
            var hook = webhooks![i];
            if (string.IsNullOrEmpty(hook.Name) || !MetricName().IsMatch(hook.Name))
            {
                problems.Add(new($"{path}.name", $"\"{Shorten(hook.Name)}\" is not a webhook name; use lower-case letters, digits and '-' (a DNS label, e.g. approve-release)"));
            }
            else if (!seen.Add(hook.Name))
            {
                problems.Add(new($"{path}.name", $"\"{hook.Name}\" is used by an earlier webhook; names must be unique"));
            }

            CheckTemplate($"{path}.url", hook.Url, problems);
            if (hook.Url is { } url && !IsHttpUrl(url))
            {
                // Shown redacted: a webhook URL may carry a token in its query.
                problems.Add(new($"{path}.url", $"\"{Shorten(ModelOperator.Runtime.Protocol.UriRedaction.Redact(url))}\" is not an http:// or https:// URL"));
            }

            var kindKnown = hook.Kind is not null && WebhookKinds.All.Contains(hook.Kind, StringComparer.Ordinal);
            if (!kindKnown)
            {
                problems.Add(new($"{path}.kind", $"\"{Shorten(hook.Kind)}\" is not a webhook kind; use {string.Join(", ", WebhookKinds.All)}"));
            }

            var atKnown = hook.At is not null && WebhookPoints.All.Contains(hook.At, StringComparer.Ordinal);
            if (!atKnown)
            {
                problems.Add(new($"{path}.at", $"\"{Shorten(hook.At)}\" is not a rollout point; use {string.Join(", ", WebhookPoints.All)}"));
            }

            if (kindKnown && atKnown && hook.Kind != WebhookKinds.Notify && !WebhookPoints.Gates.Contains(hook.At!, StringComparer.Ordinal))
            {
                problems.Add(new($"{path}.kind", $"{hook.Kind} at {hook.At} has nothing to gate; a confirm or check runs at {string.Join(", ", WebhookPoints.Gates)}, at {hook.At} use kind notify"));
            }

            CheckDuration($"{path}.timeout", hook.Timeout, TimeSpan.FromMilliseconds(1), RolloutWebhook.MaxTimeout, "more than 0 and at most 60s", problems);
            CheckHeaders($"{path}.headers", hook.Headers, problems);
        }
    }
}
