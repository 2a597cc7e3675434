using ModelOperator.Contracts;

namespace ModelOperator.Api;

/// <summary>
/// What a header of a web metric or a webhook (<see cref="HttpHeader"/>) may be, for the validator (literal values) and
/// for the operator when it reads a value from a Secret. Messages never repeat a value: it may be a credential.
/// </summary>
public static class HttpHeaderRules
{
    // Set by the operator on every call it makes (the webhook's JSON body, the answer it accepts).
    private static readonly string[] OperatorHeaders = ["Content-Type", "Accept-Encoding"];

    /// <summary>Why <paramref name="name"/> cannot be sent, or null when it can: an HTTP token that neither HTTP, a proxy nor the operator sets.</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is missing; name the header, e.g. Authorization or X-Api-Key";
        }

        if (ModelStorageEnv.HeaderNameProblem(name) is { } problem)
        {
            return problem;
        }

        return OperatorHeaders.Contains(name, StringComparer.OrdinalIgnoreCase)
            ? $"\"{name}\" is set by the operator; use another header, e.g. Authorization or X-Api-Key"
            : null;
    }

    /// <summary>
    /// Why <paramref name="value"/> cannot be a header value (too long, a newline or another character outside printable
    /// ASCII and tab, which could end the header and start another), or null when it can. The value is not repeated.
    /// </summary>
    public static string? ValueProblem(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > HttpHeader.MaxValueLength)
        {
            return $"has {value.Length} characters; at most {HttpHeader.MaxValueLength} are allowed";
        }

        if (value.EndsWith('\n'))
        {
            return "ends with a newline, which would end the header; remove it (a file written with echo is a common cause: use echo -n, or kubectl create secret --from-literal)";
        }

        for (var at = 0; at < value.Length; at++)
        {
            if (value[at] is not ((>= ' ' and <= '~') or '\t'))
            {
                return $"holds the character code {(int)value[at]} at position {at}; a header value may hold printable ASCII characters, spaces and tabs only";
            }
        }

        return value.Length > 0 && (value[0] is ' ' or '\t' || value[^1] is ' ' or '\t')
            ? "starts or ends with white space, which HTTP drops; remove it"
            : null;
    }
}
