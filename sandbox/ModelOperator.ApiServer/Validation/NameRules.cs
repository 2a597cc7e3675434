using System.Text.RegularExpressions;
using ModelOperator.ApiServer.Errors;

namespace ModelOperator.ApiServer.Validation;

/// <summary>Kubernetes name and label syntax, with the messages the real server gives.</summary>
internal static partial class NameRules
{
    private const string SubdomainRegex = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private const string LabelRegex = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1035Regex = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string LabelValueRegex = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";

    public static StatusCause? Subdomain(string name, string field)
    {
        if (name.Length > 253)
        {
            return new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": must be no more than 253 characters", field);
        }

        return Subdomain().IsMatch(name)
            ? null
            : new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '{SubdomainRegex}')", field);
    }

    public static StatusCause? Label(string name, string field)
    {
        if (name.Length > 63)
        {
            return new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": must be no more than 63 characters", field);
        }

        return Dns1123Label().IsMatch(name)
            ? null
            : new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '{LabelRegex}')", field);
    }

    /// <summary>A DNS-1035 label (Service names): like a DNS-1123 label, but starting with a letter.</summary>
    public static StatusCause? Dns1035(string name, string field)
    {
        if (name.Length > 63)
        {
            return new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": must be no more than 63 characters", field);
        }

        return Dns1035Label().IsMatch(name)
            ? null
            : new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '{Dns1035Regex}')", field);
    }

    /// <summary>Custom resource names only need to be usable as a path segment.</summary>
    public static StatusCause? PathSegment(string name, string field)
    {
        if (name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('%', StringComparison.Ordinal))
        {
            return new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": may not be '.' or '..' and may not contain '/' or '%'", field);
        }

        return null;
    }

    public static IEnumerable<StatusCause> Labels(IReadOnlyDictionary<string, string> labels, string field)
    {
        foreach (var (key, value) in labels)
        {
            var slash = key.LastIndexOf('/');
            var prefix = slash >= 0 ? key[..slash] : null;
            var name = slash >= 0 ? key[(slash + 1)..] : key;
            if ((prefix is not null && Subdomain(prefix, field) is not null) || name.Length is 0 or > 63 || !QualifiedName().IsMatch(name))
            {
                yield return new StatusCause("FieldValueInvalid", $"Invalid value: \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc'), with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')", field);
            }

            if (value.Length > 63 || !LabelValue().IsMatch(value))
            {
                yield return new StatusCause("FieldValueInvalid", $"Invalid value: \"{value}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '{LabelValueRegex}')", field);
            }
        }
    }

    [GeneratedRegex("^" + SubdomainRegex + "$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^" + LabelRegex + "$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^" + Dns1035Regex + "$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^" + LabelValueRegex + "$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedName();
}
