using ModelOperator.Operator.Http;
using ModelOperator.Operator.Settings;
using ModelOperator.Operator.Tests.Support;
using Xunit.Abstractions;

namespace ModelOperator.Operator.Tests.Http;

/// <summary>The operator's outbound client against servers that misbehave on purpose, on a manual clock.</summary>
public sealed class OutboundHttpTests(ITestOutputHelper output)
{
    private static readonly OperatorOptions Options = new() { AnalysisTimeout = TimeSpan.FromSeconds(5), MaxResponseBytes = 1 << 20, OutboundDeadline = TimeSpan.FromSeconds(20) };

    private static Uri Metrics(HostileHttpServer server) => new(server.BaseUrl, "metrics?token=secret");

    [Theory]
    [InlineData(Hostility.Huge)]
    [InlineData(Hostility.HugeDeclared)]
    public async Task An_answer_of_a_gigabyte_stops_at_the_size_cap_with_an_error_naming_it(Hostility mode)
    {
        await using var server = HostileHttpServer.Start(mode);
        using var http = new OutboundHttp(Options, new ManualTimeProvider());

        var e = await Assert.ThrowsAsync<OutboundHttpException>(() => http.GetAsync(Metrics(server), null, CancellationToken.None));

        Assert.Equal(OutboundFailure.TooLarge, e.Failure);
        Assert.Equal($"http://127.0.0.1:{server.Port}/metrics?*** answered more than 1048576 bytes (MAX_RESPONSE_BYTES); reading stopped there", e.Message);
        // The operator hung up: the server got rid of little more than the cap (plus what socket buffers held), not 1 GiB.
        output.WriteLine($"{mode}: the server got {server.BytesSent} bytes into the connection before the operator hung up");
        Assert.True(server.BytesSent < 64L << 20, $"the server sent {server.BytesSent} bytes");
    }

    [Fact]
    public async Task A_redirect_is_an_error_and_its_target_is_neither_followed_nor_repeated()
    {
        await using var internalService = await FakeHttpServer.StartAsync(_ => (200, "text/plain", "secrets"));
        await using var server = HostileHttpServer.Start(Hostility.Redirect, new Uri(internalService.BaseUrl, "latest/meta-data"));
        using var http = new OutboundHttp(Options, new ManualTimeProvider());

        var e = await Assert.ThrowsAsync<OutboundHttpException>(() => http.GetAsync(Metrics(server), null, CancellationToken.None));

        Assert.Equal(OutboundFailure.Redirect, e.Failure);
        Assert.Contains("answered HTTP 302, a redirect; the operator does not follow redirects", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("meta-data", e.Message, StringComparison.Ordinal);
        Assert.Empty(internalService.Requests);
    }

    [Theory]
    [InlineData(Hostility.Silent)]
    [InlineData(Hostility.Trickle)]
    public async Task A_server_that_never_finishes_its_answer_ends_at_the_timeout_of_the_clock(Hostility mode)
    {
        await using var server = HostileHttpServer.Start(mode);
        var clock = new ManualTimeProvider();
        using var http = new OutboundHttp(Options, clock);

        var call = http.GetAsync(Metrics(server), null, CancellationToken.None);
        await server.RequestedAsync(1).WaitAsync(TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(call.IsCompleted); // a byte now and then does not keep it alive, but the timeout has not passed yet
        clock.Advance(TimeSpan.FromSeconds(1));

        var e = await Assert.ThrowsAsync<OutboundHttpException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(OutboundFailure.Timeout, e.Failure);
        Assert.Equal($"http://127.0.0.1:{server.Port}/metrics?*** did not answer in full within 5s", e.Message);
    }

    [Theory]
    [InlineData(Hostility.Garbage, "the answer was not valid HTTP")]
    [InlineData(Hostility.HugeHeaders, "the answer's headers were longer than 64 KiB")]
    public async Task A_malformed_answer_is_described_in_our_words_not_the_servers(Hostility mode, string reason)
    {
        await using var server = HostileHttpServer.Start(mode);
        using var http = new OutboundHttp(Options, new ManualTimeProvider());

        var e = await Assert.ThrowsAsync<OutboundHttpException>(() => http.GetAsync(Metrics(server), null, CancellationToken.None));

        Assert.Equal((OutboundFailure.Unreachable, $"http://127.0.0.1:{server.Port}/metrics?*** could not be read: {reason}"), (e.Failure, e.Message));
    }

    [Fact]
    public async Task Within_a_budget_at_most_the_allowed_calls_run_at_once_and_none_outlive_the_deadline()
    {
        await using var server = HostileHttpServer.Start(Hostility.Silent);
        var clock = new ManualTimeProvider();
        using var http = new OutboundHttp(Options with { AnalysisTimeout = TimeSpan.FromMinutes(1) }, clock);
        using var budget = OutboundBudget.Begin(TimeSpan.FromSeconds(20), concurrency: 2, clock);
        var calls = Enumerable.Range(0, 6).Select(i => http.GetAsync(new Uri(server.BaseUrl, $"metrics/{i}"), null, CancellationToken.None)).ToArray();

        await server.RequestedAsync(2).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, server.Requests); // the other four wait for the gate
        clock.Advance(TimeSpan.FromSeconds(20));

        var errors = await Task.WhenAll(calls.Select(c => Assert.ThrowsAsync<OutboundHttpException>(() => c.WaitAsync(TimeSpan.FromSeconds(30)))));
        Assert.All(errors, e => Assert.Equal(OutboundFailure.DeadlinePassed, e.Failure));
        Assert.Contains("the reconcile's outbound deadline of 20s (OUTBOUND_DEADLINE) passed first", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests); // the waiting calls never reached it
    }

    [Fact]
    public async Task A_well_behaved_answer_of_any_status_but_3xx_is_returned_whole()
    {
        await using var server = await FakeHttpServer.StartAsync(r => r.Path == "/metrics" ? (200, "text/plain", "modelserver_requests_total 3\n") : (503, "application/json", "{\"ready\":false}"));
        using var http = new OutboundHttp(Options, new ManualTimeProvider());

        Assert.Equal((200, "modelserver_requests_total 3\n"), await http.GetAsync(new Uri(server.BaseUrl, "metrics"), null, CancellationToken.None));
        Assert.Equal((503, "{\"ready\":false}"), await http.GetAsync(new Uri(server.BaseUrl, "v2/health/ready"), null, CancellationToken.None));
    }

    [Fact]
    public void The_pool_follows_no_redirects_decompresses_nothing_and_is_bounded_by_the_options()
    {
        using var handler = OutboundHttp.CreateHandler(Options with { OutboundMaxConnectionsPerServer = 3 });

        Assert.False(handler.AllowAutoRedirect);
        Assert.Equal(System.Net.DecompressionMethods.None, handler.AutomaticDecompression);
        Assert.Equal(3, handler.MaxConnectionsPerServer);
        Assert.Equal(TimeSpan.FromSeconds(5), handler.ConnectTimeout);
        Assert.Equal(64, handler.MaxResponseHeadersLength);
        Assert.Equal(TimeSpan.FromMinutes(2), handler.PooledConnectionLifetime);
    }
}
