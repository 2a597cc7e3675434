using Microsoft.Extensions.Logging;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;

namespace ModelOperator.SandboxHost.Prometheus;

/// <summary>
/// Keeps Prometheus' pod target file in step with the API server: an informer on every pod, and on each change the
/// file_sd document of <see cref="ScrapeTargets"/> written atomically (temp file, then rename, so Prometheus never reads
/// half a file) when it differs from what was written last.
/// </summary>
public sealed class TargetFileWriter : IAsyncDisposable
{
    private readonly Informer<Pod> _pods;
    private readonly string _path;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private string? _written;
    private Task? _run;

    public TargetFileWriter(IKubernetesClient client, string path, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(loggers);
        _path = path;
        _pods = new Informer<Pod>(new ResourceListerWatcher<Pod>(client.Resource<Pod>()), TimeProvider.System, loggers.CreateLogger<Informer<Pod>>());
        _pods.AddEventHandler(new ResourceEventHandler<Pod>
        {
            Added = (_, _) => Write(),
            Updated = (_, _) => Write(),
            Deleted = (_, _) => Write(),
        });
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Write();
        _run = _pods.RunAsync(_stop.Token);
        await _pods.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        Write();
    }

    private void Write()
    {
        lock (_lock)
        {
            var content = ScrapeTargets.FileSd(_pods.Cache.List());
            if (content == _written)
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            var temp = _path + ".tmp";
            File.WriteAllText(temp, content);
            File.Move(temp, _path, overwrite: true);
            _written = content;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            try
            {
                await _run.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }
}
