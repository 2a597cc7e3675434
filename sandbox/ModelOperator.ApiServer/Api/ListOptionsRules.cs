using ModelOperator.ApiServer.Errors;

namespace ModelOperator.ApiServer.Api;

/// <summary>
/// kube-apiserver's ValidateListOptions: which combinations of <c>resourceVersion</c>, <c>resourceVersionMatch</c>,
/// <c>continue</c> and <c>sendInitialEvents</c> a list or a watch accepts. A refused combination is a 422 Invalid on
/// <c>ListOptions.meta.k8s.io ""</c> with one cause per rule broken. Watches are judged as with the WatchList feature on
/// (this server streams initial events).
/// </summary>
internal static class ListOptionsRules
{
    private const string NotOlderThan = "NotOlderThan";
    private const string Exact = "Exact";

    /// <summary>The causes for these options; empty when the request may go ahead.</summary>
    public static List<StatusCause> Check(bool watch, string? resourceVersion, string? match, string? @continue, string? sendInitialEvents)
    {
        var causes = new List<StatusCause>();
        var hasMatch = !string.IsNullOrEmpty(match);
        if (watch)
        {
            if (sendInitialEvents is not null && match != NotOlderThan)
            {
                causes.Add(Forbidden("resourceVersionMatch", $"sendInitialEvents requires setting resourceVersionMatch to {NotOlderThan}"));
            }

            if (hasMatch)
            {
                if (sendInitialEvents is null)
                {
                    causes.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
                }

                if (match != NotOlderThan)
                {
                    causes.Add(NotSupported("resourceVersionMatch", match!, [NotOlderThan]));
                }

                if (!string.IsNullOrEmpty(@continue))
                {
                    causes.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
                }
            }

            return causes;
        }

        if (hasMatch)
        {
            if (string.IsNullOrEmpty(resourceVersion))
            {
                causes.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
            }

            if (!string.IsNullOrEmpty(@continue))
            {
                causes.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
            }

            if (match is not (Exact or NotOlderThan))
            {
                causes.Add(NotSupported("resourceVersionMatch", match!, [Exact, NotOlderThan, ""]));
            }

            if (match == Exact && resourceVersion == "0")
            {
                causes.Add(Forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
            }
        }

        if (sendInitialEvents is not null)
        {
            causes.Add(Forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
        }

        return causes;
    }

    /// <summary>Throws the 422 a real server answers when <see cref="Check"/> found anything.</summary>
    public static void Enforce(bool watch, string? resourceVersion, string? match, string? @continue, string? sendInitialEvents)
    {
        var causes = Check(watch, resourceVersion, match, @continue, sendInitialEvents);
        if (causes.Count > 0)
        {
            throw ApiException.Invalid("ListOptions.meta.k8s.io", "", "meta.k8s.io", causes);
        }
    }

    private static StatusCause Forbidden(string field, string message) => new("FieldValueForbidden", $"Forbidden: {message}", field);

    private static StatusCause NotSupported(string field, string value, IEnumerable<string> supported) =>
        new("FieldValueNotSupported", $"Unsupported value: \"{value}\": supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}", field);
}
