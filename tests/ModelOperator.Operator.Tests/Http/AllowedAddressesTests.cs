using ModelOperator.Operator.Http;

namespace ModelOperator.Operator.Tests.Http;

public sealed class AllowedAddressesTests
{
    private static readonly string[] Allowed = ["http://prometheus-operated.monitoring:9090", "https://thanos.monitoring/api/prom/"];

    [Theory]
    [InlineData("http://prometheus-operated.monitoring:9090/api/v1/query", true)]
    [InlineData("http://PROMETHEUS-OPERATED.monitoring:9090/api/v1/query", true)]
    [InlineData("https://thanos.monitoring:443/api/prom/api/v1/query", true)]
    [InlineData("https://thanos.monitoring/api/prom", true)]
    [InlineData("https://thanos.monitoring/api/prometheus/api/v1/query", false)] // "/api/prom" is a path segment, not a string prefix
    [InlineData("https://thanos.monitoring/api/v1/query", false)]
    [InlineData("http://prometheus-operated.monitoring:9091/api/v1/query", false)]
    [InlineData("http://prometheus-operated.monitoring:9090@169.254.169.254/api/v1/query", false)] // its host is the metadata address
    [InlineData("https://prometheus-operated.monitoring:9090/api/v1/query", false)] // another scheme
    [InlineData("http://prometheus-operated.monitoring/api/v1/query", false)] // port 80
    [InlineData("http://kubernetes.default.svc/api/v1/query", false)]
    public void An_address_is_allowed_only_under_an_entry_with_the_same_scheme_host_and_port(string address, bool allowed) =>
        Assert.Equal(allowed, AllowedAddresses.IsAllowed(new Uri(address), Allowed));

    [Fact]
    public void An_empty_list_allows_nothing() =>
        Assert.False(AllowedAddresses.IsAllowed(new Uri("http://prometheus-operated.monitoring:9090/api/v1/query"), []));

    [Theory]
    [InlineData("http://prometheus.monitoring:9090", null)]
    [InlineData("prometheus.monitoring:9090", "it must be an absolute http:// or https:// URL such as http://prometheus-operated.monitoring:9090")]
    [InlineData("ftp://prometheus.monitoring", "it must be an absolute http:// or https:// URL such as http://prometheus-operated.monitoring:9090")]
    [InlineData("http://user:pw@prometheus.monitoring:9090", "it must name scheme, host, port and optionally a path, without credentials, query or fragment")]
    [InlineData("http://prometheus.monitoring:9090/?x=1", "it must name scheme, host, port and optionally a path, without credentials, query or fragment")]
    public void Entries_are_checked(string entry, string? problem) => Assert.Equal(problem, AllowedAddresses.Problem(entry));
}
