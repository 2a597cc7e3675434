using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.ControllerRuntime.LeaderElection;

namespace ModelOperator.ControllerRuntime.Hosting;

/// <summary>
/// Hosts the controller runtime (controller-runtime's manager): starts every informer, waits until all
/// have synced, then runs the controllers — only while leader when a <see cref="LeaderElector"/> is given.
/// Informers keep running while a replica is not leader, so a new leader starts from a warm cache. On
/// losing leadership the controllers stop at once and the manager campaigns again.
/// </summary>
public sealed partial class Manager : BackgroundService
{
    private readonly List<IInformer> _informers = [];
    private readonly List<Controller> _controllers = [];
    private readonly LeaderElector? _elector;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _started;

    public Manager(LeaderElector? elector = null, ILogger<Manager>? logger = null)
    {
        _elector = elector;
        _logger = logger ?? NullLogger<Manager>.Instance;
    }

    /// <summary>True while the controllers run (always once synced when there is no leader election).</summary>
    public bool ControllersRunning { get; private set; }

    /// <summary>Completes once every informer has synced.</summary>
    public Task Synced => _synced.Task;

    public Manager AddInformer(IInformer informer)
    {
        ArgumentNullException.ThrowIfNull(informer);
        ThrowIfStarted();
        _informers.Add(informer);
        return this;
    }

    public Manager AddController(Controller controller)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ThrowIfStarted();
        _controllers.Add(controller);
        return this;
    }

    public override void Dispose()
    {
        foreach (var controller in _controllers)
        {
            controller.Dispose();
        }

        base.Dispose();
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _started = true;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var informers = _informers.Select(i => Task.Run(() => i.RunAsync(stoppingToken), CancellationToken.None)).ToArray();
        try
        {
            await Task.WhenAll(_informers.Select(i => i.WaitForSyncAsync(stoppingToken))).ConfigureAwait(false);
            _synced.TrySetResult();
            Log.Synced(_logger, _informers.Count);
            if (_elector is null)
            {
                await RunControllersAsync(stoppingToken).ConfigureAwait(false);
            }
            else
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var end = await _elector.RunAsync(RunControllersAsync, stoppingToken).ConfigureAwait(false);
                    if (end == LeadershipEnd.Lost)
                    {
                        Log.Recampaigning(_logger, _elector.Identity);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _synced.TrySetCanceled(CancellationToken.None);
            await Task.WhenAll(informers).ConfigureAwait(false);
        }
    }

    private async Task RunControllersAsync(CancellationToken cancellationToken)
    {
        ControllersRunning = true;
        try
        {
            await Task.WhenAll(_controllers.Select(c => c.RunAsync(cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            ControllersRunning = false;
        }
    }

    private void ThrowIfStarted()
    {
        if (_started)
        {
            throw new InvalidOperationException("Add informers and controllers before the manager starts.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "All {Count} informers synced")]
        public static partial void Synced(ILogger logger, int count);

        [LoggerMessage(2, LogLevel.Warning, "{Identity} lost leadership; controllers stopped, campaigning again")]
        public static partial void Recampaigning(ILogger logger, string identity);
    }
}
