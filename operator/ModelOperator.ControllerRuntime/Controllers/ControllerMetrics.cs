using ModelOperator.ControllerRuntime.Queue;
using Prometheus;

namespace ModelOperator.ControllerRuntime.Controllers;

/// <summary>
/// The controller runtime's metric families, registered once per registry and shared by every controller
/// (label <c>controller</c> / <c>name</c> = the controller's name; results are a fixed set). Names follow
/// controller-runtime and client-go's workqueue so existing dashboards apply.
/// </summary>
public sealed class ControllerMetrics
{
    /// <summary>Reconcile results, the values of the <c>result</c> label.</summary>
    public static class Results
    {
        public const string Success = "success";
        public const string Error = "error";
        /// <summary>A quiet requeue after a conflict (409): neither an error nor a retry.</summary>
        public const string Requeue = "requeue";
        public const string RequeueAfter = "requeue_after";
    }

    private static readonly double[] DurationBuckets = Histogram.ExponentialBuckets(0.005, 2, 14); // 5 ms .. ~41 s

    private readonly Counter _reconciles;
    private readonly Counter _errors;
    private readonly Counter _terminalErrors;
    private readonly Histogram _reconcileTime;
    private readonly Gauge _activeWorkers;
    private readonly Gauge _depth;
    private readonly Counter _adds;
    private readonly Counter _retries;
    private readonly Histogram _queueDuration;
    private readonly Histogram _workDuration;

    public ControllerMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        IMetricFactory factory = Prometheus.Metrics.WithCustomRegistry(registry);
        string[] controller = ["controller"];
        string[] queue = ["name"];
        var durations = new HistogramConfiguration { Buckets = DurationBuckets };
        _reconciles = factory.CreateCounter("controller_runtime_reconcile_total", "Reconciliations by controller and result.", ["controller", "result"]);
        _errors = factory.CreateCounter("controller_runtime_reconcile_errors_total", "Reconciliations that failed, terminal or not.", controller);
        _terminalErrors = factory.CreateCounter("controller_runtime_terminal_reconcile_errors_total", "Reconciliations that failed with an error retrying cannot fix.", controller);
        _reconcileTime = factory.CreateHistogram("controller_runtime_reconcile_time_seconds", "Time per reconciliation.", controller, durations);
        _activeWorkers = factory.CreateGauge("controller_runtime_active_workers", "Workers currently reconciling.", controller);
        _depth = factory.CreateGauge("workqueue_depth", "Keys waiting in the work queue.", queue);
        _adds = factory.CreateCounter("workqueue_adds_total", "Keys added to the work queue.", queue);
        _retries = factory.CreateCounter("workqueue_retries_total", "Keys added again through the rate limiter.", queue);
        _queueDuration = factory.CreateHistogram("workqueue_queue_duration_seconds", "Time a key waits in the queue before a worker takes it.", queue, durations);
        _workDuration = factory.CreateHistogram("workqueue_work_duration_seconds", "Time a worker holds a key.", queue, durations);
    }

    /// <summary>The children for one controller.</summary>
    public ForController For(string controller)
    {
        ArgumentException.ThrowIfNullOrEmpty(controller);
        return new ForController(this, controller);
    }

    /// <summary>One controller's metrics; also the metrics of its work queue.</summary>
    public sealed class ForController : IWorkQueueMetrics
    {
        private readonly Counter.Child _success;
        private readonly Counter.Child _error;
        private readonly Counter.Child _requeue;
        private readonly Counter.Child _requeueAfter;
        private readonly Counter.Child _errors;
        private readonly Counter.Child _terminalErrors;
        private readonly Histogram.Child _reconcileTime;
        private readonly Gauge.Child _activeWorkers;
        private readonly Gauge.Child _depth;
        private readonly Counter.Child _adds;
        private readonly Counter.Child _retries;
        private readonly Histogram.Child _queueDuration;
        private readonly Histogram.Child _workDuration;

        internal ForController(ControllerMetrics m, string name)
        {
            _success = m._reconciles.WithLabels(name, Results.Success);
            _error = m._reconciles.WithLabels(name, Results.Error);
            _requeue = m._reconciles.WithLabels(name, Results.Requeue);
            _requeueAfter = m._reconciles.WithLabels(name, Results.RequeueAfter);
            _errors = m._errors.WithLabels(name);
            _terminalErrors = m._terminalErrors.WithLabels(name);
            _reconcileTime = m._reconcileTime.WithLabels(name);
            _activeWorkers = m._activeWorkers.WithLabels(name);
            _depth = m._depth.WithLabels(name);
            _adds = m._adds.WithLabels(name);
            _retries = m._retries.WithLabels(name);
            _queueDuration = m._queueDuration.WithLabels(name);
            _workDuration = m._workDuration.WithLabels(name);
        }

        internal void Reconciled(string result, TimeSpan duration, bool terminal)
        {
            (result switch
            {
                Results.Success => _success,
                Results.Requeue => _requeue,
                Results.RequeueAfter => _requeueAfter,
                _ => _error,
            }).Inc();
            if (result == Results.Error)
            {
                _errors.Inc();
                if (terminal)
                {
                    _terminalErrors.Inc();
                }
            }

            _reconcileTime.Observe(duration.TotalSeconds);
        }

        internal void WorkerStarted() => _activeWorkers.Inc();

        internal void WorkerFinished() => _activeWorkers.Dec();

        public void DepthChanged(int depth) => _depth.Set(depth);

        public void Added() => _adds.Inc();

        public void Retried() => _retries.Inc();

        public void Dequeued(TimeSpan waited) => _queueDuration.Observe(waited.TotalSeconds);

        public void Processed(TimeSpan held) => _workDuration.Observe(held.TotalSeconds);
    }
}
