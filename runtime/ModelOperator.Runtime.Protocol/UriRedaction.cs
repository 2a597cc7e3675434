namespace ModelOperator.Runtime.Protocol;

/// <summary>
/// The one way a model or profile URI is shown anywhere (logs, health and metadata answers, 503
/// bodies, status conditions, Events): credentials and signatures are cut out. Userinfo becomes
/// <c>***@</c>; a query (presigned URLs carry their signature there) or fragment becomes
/// <c>?***</c>; scheme, host, port and path stay, so that a person can still tell which model
/// was meant. Local paths have no credentials and are shown as they are.
/// </summary>
/// <example>
/// <c>https://user:token@models.example.com/churn/1/model.onnx?X-Amz-Signature=abc</c> is shown as
/// <c>https://***@models.example.com/churn/1/model.onnx?***</c>; <c>s3://bucket/key</c> and
/// <c>/models/churn.onnx</c> are shown unchanged.
/// </example>
public static class UriRedaction
{
    public static string Redact(string? uri)
    {
        if (string.IsNullOrEmpty(uri))
        {
            return string.Empty;
        }

        var schemeEnd = uri.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            // A path; but a "user:pass@host" without a scheme is still hidden.
            var at = uri.IndexOf('@', StringComparison.Ordinal);
            var shown = at >= 0 && !uri.AsSpan(0, at).Contains('/') ? "***@" + uri[(at + 1)..] : uri;
            var cut = shown.IndexOfAny(['?', '#']);
            return cut >= 0 ? shown[..cut] + "?***" : shown;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = uri.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = uri.Length;
        }

        var authority = uri[authorityStart..authorityEnd];
        var userinfoEnd = authority.LastIndexOf('@');
        if (userinfoEnd >= 0)
        {
            authority = "***@" + authority[(userinfoEnd + 1)..];
        }

        var rest = uri[authorityEnd..];
        var query = rest.IndexOfAny(['?', '#']);
        if (query >= 0)
        {
            rest = rest[..query] + "?***";
        }

        return string.Concat(uri.AsSpan(0, authorityStart), authority, rest);
    }
}
