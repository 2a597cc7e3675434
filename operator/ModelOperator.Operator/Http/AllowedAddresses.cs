namespace ModelOperator.Operator.Http;

/// <summary>
/// The admin's list of addresses the operator may call on a tenant's behalf (the Prometheus provider's address). Pure.
/// Entries are compared parsed, never as strings: <c>http://prometheus.monitoring:9090</c> allows
/// <c>http://prometheus.monitoring:9090/</c> and <c>http://prometheus.monitoring:9090/api/prom</c>, but not
/// <c>http://prometheus.monitoring:90901</c>, <c>http://prometheus.monitoring:9090@evil.example</c> (whose host is
/// evil.example) or <c>https://…</c> with another scheme. Hosts compare without case; default ports are filled in
/// (<c>http://p</c> is <c>http://p:80</c>).
/// </summary>
public static class AllowedAddresses
{
    /// <summary>What is wrong with an allowlist entry, or null when it is usable.</summary>
    public static string? Problem(string entry)
    {
        if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return "it must be an absolute http:// or https:// URL such as http://prometheus-operated.monitoring:9090";
        }

        return uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            ? "it must name scheme, host, port and optionally a path, without credentials, query or fragment"
            : null;
    }

    /// <summary>Whether <paramref name="address"/> (an absolute URL) falls under one of <paramref name="entries"/>.</summary>
    public static bool IsAllowed(Uri address, IReadOnlyList<string> entries)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            if (Problem(entry) is null && Uri.TryCreate(entry, UriKind.Absolute, out var allowed)
                && string.Equals(address.Scheme, allowed.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(address.IdnHost, allowed.IdnHost, StringComparison.OrdinalIgnoreCase)
                && address.Port == allowed.Port
                && UnderPath(address.AbsolutePath, allowed.AbsolutePath))
            {
                return true;
            }
        }

        return false;
    }

    // "/api" allows "/api" and "/api/…", not "/apix".
    private static bool UnderPath(string path, string allowed)
    {
        var prefix = allowed.TrimEnd('/');
        return prefix.Length == 0
            || string.Equals(path.TrimEnd('/'), prefix, StringComparison.Ordinal)
            || path.StartsWith(prefix + "/", StringComparison.Ordinal);
    }
}
