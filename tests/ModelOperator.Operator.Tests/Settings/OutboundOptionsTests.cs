using ModelOperator.Operator.Settings;

namespace ModelOperator.Operator.Tests.Settings;

/// <summary>The settings of the operator's outbound calls: read from variables and flags, defaults, and their checks.</summary>
public sealed class OutboundOptionsTests
{
    [Fact]
    public void Defaults_bound_every_call_and_allow_no_prometheus()
    {
        var options = OperatorOptionsParser.Parse([], OperatorOptionsParserTests.Env(), out var problems);

        Assert.Empty(problems);
        Assert.Equal((4 << 20, 4, TimeSpan.FromSeconds(20), 4), (options.MaxResponseBytes, options.OutboundConcurrency, options.OutboundDeadline, options.OutboundMaxConnectionsPerServer));
        Assert.Empty(options.PrometheusAllowedAddresses);
        Assert.Null(options.ModelServerMetricsPort);
    }

    [Fact]
    public void Variables_and_flags_set_them()
    {
        var options = OperatorOptionsParser.Parse(
            ["--outbound-deadline", "45s", "--prometheus-allowed-addresses=http://prometheus-operated.monitoring:9090, https://thanos.monitoring/api/prom"],
            OperatorOptionsParserTests.Env(("MAX_RESPONSE_BYTES", "1048576"), ("OUTBOUND_CONCURRENCY", "8"), ("OUTBOUND_MAX_CONNECTIONS_PER_SERVER", "2"), ("MODELSERVER_METRICS_PORT", "9090")),
            out var problems);

        Assert.Empty(problems);
        Assert.Equal((1 << 20, 8, TimeSpan.FromSeconds(45), 2, 9090), (options.MaxResponseBytes, options.OutboundConcurrency, options.OutboundDeadline, options.OutboundMaxConnectionsPerServer, options.ModelServerMetricsPort));
        Assert.Equal(["http://prometheus-operated.monitoring:9090", "https://thanos.monitoring/api/prom"], options.PrometheusAllowedAddresses);
    }

    [Fact]
    public void Bad_values_are_reported_together_naming_the_setting_and_what_is_allowed()
    {
        OperatorOptionsParser.Parse(
            ["--max-response-bytes", "10", "--outbound-concurrency", "0", "--outbound-deadline", "1h"],
            OperatorOptionsParserTests.Env(("OUTBOUND_MAX_CONNECTIONS_PER_SERVER", "0"), ("MODELSERVER_METRICS_PORT", "8080"), ("PROMETHEUS_ALLOWED_ADDRESSES", "prometheus:9090,http://u:p@prom:9090")),
            out var problems);

        Assert.Equal(
        [
            "MAX_RESPONSE_BYTES (--max-response-bytes) is '10'; it must be a whole number from 1024 to 268435456",
            "OUTBOUND_CONCURRENCY (--outbound-concurrency) is '0'; it must be a whole number from 1 to 64",
            "OUTBOUND_DEADLINE (--outbound-deadline) is '1h'; it must be a duration such as 500ms, 30s, 5m, 1h or 1h30m (units ns, us, ms, s, m, h), from 1ms to 10m",
            "OUTBOUND_MAX_CONNECTIONS_PER_SERVER (--outbound-max-connections-per-server) is '0'; it must be a whole number from 1 to 256",
            "MODELSERVER_METRICS_PORT (--modelserver-metrics-port) is 8080; it must not be MODELSERVER_PORT (8080); leave it unset to serve metrics on MODELSERVER_PORT",
            "PROMETHEUS_ALLOWED_ADDRESSES (--prometheus-allowed-addresses) has 'prometheus:9090': it must be an absolute http:// or https:// URL such as http://prometheus-operated.monitoring:9090",
            "PROMETHEUS_ALLOWED_ADDRESSES (--prometheus-allowed-addresses) has 'http://u:p@prom:9090': it must name scheme, host, port and optionally a path, without credentials, query or fragment",
        ], problems);
    }
}
