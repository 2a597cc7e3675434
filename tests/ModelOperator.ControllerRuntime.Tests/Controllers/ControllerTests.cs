using Microsoft.Extensions.Logging;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.ControllerRuntime.Queue;
using ModelOperator.ControllerRuntime.Tests.Support;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Testing;
using Prometheus;

namespace ModelOperator.ControllerRuntime.Tests.Controllers;

public sealed class ControllerTests : IAsyncDisposable
{
    private static readonly ObjectKey Key = new("ns", "model-a");
    private readonly ManualTimeProvider _clock = new();
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly CancellationTokenSource _stop = new();
    private Controller? _controller;
    private Task? _running;

    private Controller Start(ScriptedReconciler reconciler, int workers = 1)
    {
        _controller = new Controller(
            "models",
            reconciler,
            _clock,
            options: new ControllerOptions
            {
                Workers = workers,
                RateLimiter = new ExponentialFailureRateLimiter<ObjectKey>(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)),
            },
            metrics: new ControllerMetrics(_registry));
        _running = _controller.RunAsync(_stop.Token);
        return _controller;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running.Within();
        }

        _controller?.Dispose();
        _stop.Dispose();
    }

    private string Scrape() => _registry.Scrape();

    [Fact]
    public async Task Failures_are_retried_with_growing_backoff_and_success_forgets_it()
    {
        var reconciler = new ScriptedReconciler((_, call, _) =>
            call <= 2 ? throw new HttpRequestException("api down") : Task.FromResult(ReconcileResult.Done));
        var controller = Start(reconciler);

        controller.Queue.Add(Key);
        Assert.Equal((Key, 1), await reconciler.Calls.Reader.ReadWithin());
        await Wait.Until(() => controller.Queue.Delayed == 1, "the key waits for its backoff");

        await _clock.AdvanceInline(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, reconciler.CallCount);
        await _clock.AdvanceInline(TimeSpan.FromMilliseconds(1));
        Assert.Equal((Key, 2), await reconciler.Calls.Reader.ReadWithin());
        await Wait.Until(() => controller.Queue.Delayed == 1, "the key waits for its second backoff");

        await _clock.AdvanceInline(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(2, reconciler.CallCount);
        await _clock.AdvanceInline(TimeSpan.FromMilliseconds(1));
        Assert.Equal((Key, 3), await reconciler.Calls.Reader.ReadWithin());

        await Wait.Until(() => controller.Queue.NumRequeues(Key) == 0, "success forgets the backoff");
        await Wait.Until(() => Scrape().Contains("controller_runtime_reconcile_total{controller=\"models\",result=\"success\"} 1", StringComparison.Ordinal), "success is counted");
        var metrics = Scrape();
        Assert.Contains("controller_runtime_reconcile_total{controller=\"models\",result=\"error\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("controller_runtime_reconcile_errors_total{controller=\"models\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("workqueue_retries_total{name=\"models\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("controller_runtime_reconcile_time_seconds_count{controller=\"models\"} 3", metrics, StringComparison.Ordinal);
        Assert.Equal(0, controller.Queue.Delayed);
    }

    [Fact]
    public async Task A_terminal_error_is_recorded_and_not_retried()
    {
        var reconciler = new ScriptedReconciler((_, _, _) => throw new TerminalReconcileException("spec.replicas must be at least 1"));
        var controller = Start(reconciler);

        controller.Queue.Add(Key);
        await reconciler.Calls.Reader.ReadWithin();
        await Wait.Until(() => Scrape().Contains("controller_runtime_terminal_reconcile_errors_total{controller=\"models\"} 1", StringComparison.Ordinal), "the terminal error is counted");

        await _clock.AdvanceInline(TimeSpan.FromHours(1));
        Assert.Equal(1, reconciler.CallCount);
        Assert.Equal(0, controller.Queue.Delayed);
        Assert.Equal(0, controller.Queue.Length);
        Assert.Equal(0, controller.Queue.NumRequeues(Key));

        // A later change brings the key back.
        controller.Queue.Add(Key);
        Assert.Equal((Key, 2), await reconciler.Calls.Reader.ReadWithin());
    }

    [Fact]
    public async Task RequeueAfter_runs_again_exactly_when_the_clock_reaches_it()
    {
        var reconciler = new ScriptedReconciler((_, _, _) => Task.FromResult(ReconcileResult.After(TimeSpan.FromSeconds(30))));
        var controller = Start(reconciler);

        controller.Queue.Add(Key);
        await reconciler.Calls.Reader.ReadWithin();
        await Wait.Until(() => controller.Queue.Delayed == 1, "the key is scheduled");

        await _clock.AdvanceInline(TimeSpan.FromSeconds(29));
        Assert.Equal(1, reconciler.CallCount);
        await _clock.AdvanceInline(TimeSpan.FromSeconds(1));
        Assert.Equal((Key, 2), await reconciler.Calls.Reader.ReadWithin());
        await Wait.Until(() => Scrape().Contains("result=\"requeue_after\"} 2", StringComparison.Ordinal), "both runs are counted");
        Assert.Equal(0, controller.Queue.NumRequeues(Key)); // an expected wait is not a retry
    }

    [Fact]
    public async Task A_conflict_is_a_quiet_requeue_soon_without_backoff_error_log_or_failure_metric()
    {
        // Given a reconcile whose writes meet a newer version twice (409), then succeed
        var logger = new ScopeRecordingLogger<Controller>();
        var reconciler = new ScriptedReconciler((_, call, _) => call <= 2
            ? throw new KubernetesConflictException("Operation cannot be fulfilled on modeldeployments \"model-a\": the object has been modified")
            : Task.FromResult(ReconcileResult.Done));
        _controller = new Controller("models", reconciler, _clock, logger, new ControllerOptions
        {
            RateLimiter = new ExponentialFailureRateLimiter<ObjectKey>(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)),
            ConflictRequeueDelay = TimeSpan.FromMilliseconds(100),
        }, new ControllerMetrics(_registry));
        _running = _controller.RunAsync(_stop.Token);

        // When the key is reconciled
        _controller.Queue.Add(Key);
        Assert.Equal((Key, 1), await reconciler.Calls.Reader.ReadWithin());
        await Wait.Until(() => _controller.Queue.Delayed == 1, "the key is requeued");

        // Then it runs again after the fixed short delay, both times: the backoff (1 s, then 2 s) never starts
        await _clock.AdvanceInline(TimeSpan.FromMilliseconds(99));
        Assert.Equal(1, reconciler.CallCount);
        await _clock.AdvanceInline(TimeSpan.FromMilliseconds(1));
        Assert.Equal((Key, 2), await reconciler.Calls.Reader.ReadWithin());
        await Wait.Until(() => _controller.Queue.Delayed == 1, "the key is requeued again");
        await _clock.AdvanceInline(TimeSpan.FromMilliseconds(100));
        Assert.Equal((Key, 3), await reconciler.Calls.Reader.ReadWithin());
        await Wait.Until(() => Scrape().Contains("controller_runtime_reconcile_total{controller=\"models\",result=\"success\"} 1", StringComparison.Ordinal), "the success is counted");

        // And nothing counts or logs it as a failure
        var metrics = Scrape();
        Assert.Contains("controller_runtime_reconcile_total{controller=\"models\",result=\"requeue\"} 2", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("result=\"error\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("controller_runtime_reconcile_errors_total{controller=\"models\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("workqueue_retries_total{name=\"models\"} 0", metrics, StringComparison.Ordinal);
        Assert.Equal(0, _controller.Queue.NumRequeues(Key));
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void A_conflict_delay_outside_its_range_is_refused_with_the_range()
    {
        var e = Assert.Throws<ArgumentException>(() => new ControllerOptions { ConflictRequeueDelay = TimeSpan.Zero }.Validate());
        Assert.Contains("more than 0 and at most 1 minute", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_changed_during_its_reconcile_runs_again_afterwards_never_concurrently()
    {
        var release = new TaskCompletionSource();
        var inFlight = 0;
        var overlap = false;
        var reconciler = new ScriptedReconciler(async (_, call, _) =>
        {
            overlap |= Interlocked.Increment(ref inFlight) > 1;
            if (call == 1)
            {
                await release.Task;
            }

            Interlocked.Decrement(ref inFlight);
            return ReconcileResult.Done;
        });
        var controller = Start(reconciler, workers: 4);

        controller.Queue.Add(Key);
        await Wait.Until(() => reconciler.CallCount == 1, "the first reconcile starts");
        controller.Queue.Add(Key);
        controller.Queue.Add(Key);
        Assert.Equal(1, reconciler.CallCount);

        release.SetResult();
        await reconciler.Calls.Reader.ReadWithin();
        Assert.Equal((Key, 2), await reconciler.Calls.Reader.ReadWithin());
        Assert.False(overlap);
    }

    [Fact]
    public async Task Stopping_mid_reconcile_cancels_it_and_keeps_the_key_for_the_next_run()
    {
        var reconciler = new ScriptedReconciler(async (_, call, token) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return ReconcileResult.Done;
        });
        var controller = Start(reconciler);
        controller.Queue.Add(Key);
        await Wait.Until(() => reconciler.CallCount == 1, "the reconcile starts");

        await _stop.CancelAsync();
        await _running!.Within();

        Assert.Equal(1, controller.Queue.Length);
        Assert.Equal(0, controller.Queue.NumRequeues(Key));
    }

    [Fact]
    public async Task Each_reconcile_logs_inside_a_scope_with_the_key_and_its_own_reconcile_id()
    {
        var logger = new ScopeRecordingLogger<Controller>();
        var reconciler = new ScriptedReconciler((_, call, _) => call == 1 ? throw new InvalidOperationException("boom") : Task.FromResult(ReconcileResult.Done));
        _controller = new Controller("models", reconciler, _clock, logger, new ControllerOptions { RateLimiter = new ExponentialFailureRateLimiter<ObjectKey>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) });
        _running = _controller.RunAsync(_stop.Token);

        _controller.Queue.Add(Key);
        await reconciler.Calls.Reader.ReadWithin();
        await Wait.Until(() => _controller.Queue.Delayed == 1, "the failure is requeued");
        await _clock.AdvanceInline(TimeSpan.FromSeconds(1));
        await reconciler.Calls.Reader.ReadWithin();
        await Wait.Until(() => logger.Entries.Count(e => e.Message.StartsWith("Reconciled", StringComparison.Ordinal)) == 2, "both reconciles are logged");

        var scoped = logger.Entries.Where(e => e.Scopes.Count > 0).ToArray();
        var scopes = scoped.Select(e => (IReadOnlyDictionary<string, object>)e.Scopes.Single()).ToArray();
        Assert.All(scopes, s => Assert.Equal("model-a", s["Name"]));
        Assert.All(scopes, s => Assert.Equal("ns", s["Namespace"]));
        Assert.All(scopes, s => Assert.Equal("models", s["Controller"]));
        Assert.Equal(2, scopes.Select(s => s["ReconcileId"]).Distinct().Count());
        Assert.Contains(scoped, e => e.Message.Contains("failed; retry 1 with backoff", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_settings_are_rejected()
    {
        var reconciler = new ScriptedReconciler((_, _, _) => Task.FromResult(ReconcileResult.Done));
        var error = Assert.Throws<ArgumentException>(() => new Controller("c", reconciler, _clock, options: new ControllerOptions { Workers = 0 }));
        Assert.Contains("Workers is 0", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ReconcileResult.After(TimeSpan.Zero));
    }
}
