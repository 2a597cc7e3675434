using ModelOperator.Runtime.Server.Models;

namespace ModelOperator.Runtime.Server.Hosting;

/// <summary>
/// Graceful drain on SIGTERM. Kubernetes removes a terminating pod from its Services while the signal is already on
/// its way, and proxies, kube-proxy and Gateways learn of it seconds later: a server that stopped listening at once
/// would refuse the requests they still send. So, before Kestrel stops, the server fails readiness (the pods' probe
/// and any proxy that probes see 503 <c>Draining</c>) and keeps answering every request for DRAIN_PERIOD, asking
/// keep-alive clients to reconnect (elsewhere) with <c>Connection: close</c>. Then Kestrel stops accepting and
/// finishes the requests in flight within SHUTDOWN_TIMEOUT, and the process exits 0. The pod's
/// terminationGracePeriodSeconds covers both.
/// </summary>
internal sealed partial class GracefulDrain(ServerOptions options, TimeProvider time, ILogger<GracefulDrain> logger) : IHostedLifecycleService
{
    /// <summary>The reason word the ready endpoints answer while draining.</summary>
    public const string DrainingReason = "Draining";

    private volatile bool _draining;

    /// <summary>True from SIGTERM (or any stop) on.</summary>
    public bool Draining => _draining;

    /// <summary>What the ready endpoints report: <paramref name="status"/>, or not ready while draining.</summary>
    public ModelStatus Readiness(ModelStatus status) =>
        _draining ? status with { Ready = false, Reason = DrainingReason, Message = "the server is shutting down; it still answers requests until the drain period ends" } : status;

    /// <summary>Asks every client to close its connection after the answer while draining.</summary>
    public void Use(WebApplication app) =>
        app.Use((context, next) =>
        {
            if (_draining)
            {
                context.Response.Headers.Connection = "close";
            }

            return next(context);
        });

    // Runs before any hosted service stops, Kestrel included; the host's shutdown timeout (drain + SHUTDOWN_TIMEOUT) bounds it.
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        if (options.DrainPeriod <= TimeSpan.Zero)
        {
            return;
        }

        Log.Draining(logger, options.DrainPeriod.TotalSeconds);
        try
        {
            await Task.Delay(options.DrainPeriod, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Log.Drained(logger);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Draining for {Seconds} s: readiness fails, requests are still answered")]
        public static partial void Draining(ILogger logger, double seconds);

        [LoggerMessage(2, LogLevel.Information, "Drain period over: no new connections; finishing the requests in flight")]
        public static partial void Drained(ILogger logger);
    }
}
