using ModelOperator.Contracts;

namespace ModelOperator.Api.Validation;

/// <summary>The headers of a web metric or a webhook: what the CRD schema cannot say, and its rules again for a server without CEL.</summary>
public static partial class ModelDeploymentValidator
{
    private static void CheckHeaders(string path, IReadOnlyList<HttpHeader>? headers, List<FieldProblem> problems)
    {
        // The count and the value's length are bounded by SchemaBounds ([Items], [Length]).
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < (headers?.Count ?? 0); i++)
        {
            var at = $"{path}[{i}]";
            var header = headers![i];
            if (HttpHeaderRules.NameProblem(header.Name) is { } nameProblem)
            {
                problems.Add(new($"{at}.name", nameProblem));
            }
            else if (!seen.Add(header.Name!))
            {
                problems.Add(new($"{at}.name", $"\"{header.Name}\" is set by an earlier header; header names must be unique (case-insensitively)"));
            }

            if (header.Value is null == header.ValueFrom is null)
            {
                problems.Add(new(at, $"sets {(header.Value is null ? "neither" : "both")} value and valueFrom; set exactly one (valueFrom.secretKeyRef for a credential)"));
            }

            // The value itself is never repeated: it may be a token written in the clear by mistake. (Its length is SchemaBounds'.)
            if (header.Value is { Length: <= HttpHeader.MaxValueLength } value && HttpHeaderRules.ValueProblem(value) is { } valueProblem)
            {
                problems.Add(new($"{at}.value", valueProblem));
            }

            if (header.ValueFrom is { } from)
            {
                CheckSecretKey($"{at}.valueFrom.secretKeyRef", from.SecretKeyRef, problems);
            }
        }
    }

    private static void CheckSecretKey(string path, SecretKey? reference, List<FieldProblem> problems)
    {
        if (reference is null)
        {
            problems.Add(new(path, "is missing; name the Secret (in the ModelDeployment's namespace) and its key, e.g. name: kpi-token, key: authorization"));
            return;
        }

        if (string.IsNullOrEmpty(reference.Name))
        {
            problems.Add(new($"{path}.name", "is missing; name a Secret in the ModelDeployment's namespace"));
        }

        CheckObjectName($"{path}.name", reference.Name, "a Secret", problems);
        if (string.IsNullOrEmpty(reference.Key) || !SecretKeyName().IsMatch(reference.Key) || reference.Key.Length > 253)
        {
            problems.Add(new($"{path}.key", $"\"{Shorten(reference.Key)}\" is not a Secret key; use letters, digits, '-', '_' and '.' (at most 253 characters)"));
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(S3Storage.SecretKeyPattern)]
    private static partial System.Text.RegularExpressions.Regex SecretKeyName();
}
