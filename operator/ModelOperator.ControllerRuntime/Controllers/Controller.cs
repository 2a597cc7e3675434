using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.ControllerRuntime.Queue;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.ControllerRuntime.Controllers;

/// <summary>
/// Runs workers that take keys from a rate-limited work queue and reconcile them (controller-runtime's
/// controller). Success forgets the key's backoff; an exception requeues it with backoff; a
/// <see cref="TerminalReconcileException"/> is recorded and not retried; a conflict (409: someone wrote the object
/// since it was read) is a quiet requeue after <see cref="ControllerOptions.ConflictRequeueDelay"/>, neither an error
/// nor a retry; <see cref="ReconcileResult"/> asks for a requeue after a delay. Each reconcile runs in a logging scope
/// with the controller, the key and a reconcile id.
/// </summary>
public sealed partial class Controller : IDisposable
{
    private readonly IReconciler _reconciler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ControllerOptions _options;
    private readonly ControllerMetrics.ForController? _metrics;

    public Controller(
        string name,
        IReconciler reconciler,
        TimeProvider timeProvider,
        ILogger<Controller>? logger = null,
        ControllerOptions? options = null,
        ControllerMetrics? metrics = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options ?? new ControllerOptions();
        _options.Validate();
        Name = name;
        _reconciler = reconciler;
        _time = timeProvider;
        _logger = logger ?? NullLogger<Controller>.Instance;
        _metrics = metrics?.For(name);
        Queue = new WorkQueue<ObjectKey>(timeProvider, _options.RateLimiter ?? RateLimiters.DefaultController<ObjectKey>(timeProvider), _metrics);
    }

    public string Name { get; }

    /// <summary>
    /// The keys waiting to be reconciled. Informer handlers add to it at any time; keys added while the
    /// controller is not running (e.g. not leader) wait there, de-duplicated, for the next run.
    /// </summary>
    public WorkQueue<ObjectKey> Queue { get; }

    /// <summary>
    /// Runs the workers until <paramref name="cancellationToken"/> is cancelled. A reconcile still running
    /// then sees the token cancelled; its key is queued again so the next run picks it up.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Log.Starting(_logger, Name, _options.Workers);
        var workers = Enumerable.Range(0, _options.Workers).Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None));
        await Task.WhenAll(workers).ConfigureAwait(false);
        Log.Stopped(_logger, Name);
    }

    /// <summary>Shuts the queue down for good.</summary>
    public void Dispose() => Queue.ShutDown();

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            WorkItem<ObjectKey> work;
            try
            {
                work = await Queue.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (work.IsShutDown)
            {
                return;
            }

            try
            {
                await ReconcileAsync(work.Item, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Queue.Done(work.Item);
            }
        }
    }

    private async Task ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var reconcileId = Guid.NewGuid().ToString("N")[..12];
        using var scope = _logger.BeginScope(new Dictionary<string, object>
        {
            ["Controller"] = Name,
            ["Namespace"] = key.Namespace,
            ["Name"] = key.Name,
            ["ReconcileId"] = reconcileId,
        });
        var started = _time.GetTimestamp();
        _metrics?.WorkerStarted();
        string result;
        var terminal = false;
        try
        {
            var outcome = await _reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
            result = Follow(key, outcome);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped mid-reconcile (shutdown or lost leadership): whoever runs next must look again.
            Queue.Add(key);
            _metrics?.WorkerFinished();
            return;
        }
        catch (KubernetesConflictException ex)
        {
            // Not a failure: the cache was behind our own last write, or someone else wrote first. Level-based, the next
            // reconcile reads the newer object; a backoff would only delay it, and an error log would cry wolf.
            Queue.Forget(key);
            Queue.AddAfter(key, _options.ConflictRequeueDelay);
            result = ControllerMetrics.Results.Requeue;
            Log.Conflict(_logger, Name, key.ToString(), ex.Message);
        }
        catch (TerminalReconcileException ex)
        {
            Queue.Forget(key);
            terminal = true;
            result = ControllerMetrics.Results.Error;
            Log.Terminal(_logger, ex, Name, key.ToString());
        }
#pragma warning disable CA1031 // Any other failure is retried with backoff; the worker must survive it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Queue.AddRateLimited(key);
            result = ControllerMetrics.Results.Error;
            Log.Failed(_logger, ex, Name, key.ToString(), Queue.NumRequeues(key));
        }

        var elapsed = _time.GetElapsedTime(started);
        _metrics?.WorkerFinished();
        _metrics?.Reconciled(result, elapsed, terminal);
        Log.Reconciled(_logger, Name, key.ToString(), result, elapsed.TotalMilliseconds);
    }

    private string Follow(ObjectKey key, ReconcileResult outcome)
    {
        if (outcome.RequeueAfter > TimeSpan.Zero)
        {
            Queue.Forget(key);
            Queue.AddAfter(key, outcome.RequeueAfter);
            return ControllerMetrics.Results.RequeueAfter;
        }

        Queue.Forget(key);
        return ControllerMetrics.Results.Success;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Starting controller {Controller} with {Workers} workers")]
        public static partial void Starting(ILogger logger, string controller, int workers);

        [LoggerMessage(2, LogLevel.Information, "Controller {Controller} stopped")]
        public static partial void Stopped(ILogger logger, string controller);

        [LoggerMessage(3, LogLevel.Debug, "Reconciled {Controller} {Key}: {Result} in {ElapsedMs} ms")]
        public static partial void Reconciled(ILogger logger, string controller, string key, string result, double elapsedMs);

        [LoggerMessage(4, LogLevel.Error, "Reconcile of {Controller} {Key} failed; retry {Retries} with backoff")]
        public static partial void Failed(ILogger logger, Exception exception, string controller, string key, int retries);

        [LoggerMessage(5, LogLevel.Error, "Reconcile of {Controller} {Key} failed for good; not retrying until the object changes")]
        public static partial void Terminal(ILogger logger, Exception exception, string controller, string key);

        [LoggerMessage(6, LogLevel.Debug, "Reconcile of {Controller} {Key} met a newer version ({Conflict}); looking again")]
        public static partial void Conflict(ILogger logger, string controller, string key, string conflict);
    }
}
