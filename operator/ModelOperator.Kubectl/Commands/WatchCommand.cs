using ModelOperator.Api;
using ModelOperator.Kubectl.Rendering;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;
using ModelOperator.Kubernetes.Watching;

namespace ModelOperator.Kubectl.Commands;

/// <summary>
/// <c>watch</c>: a real list-and-watch on the one object (field selector on its name, resumed and relisted by
/// <see cref="ListWatcher{T}"/>), printing a timestamped <see cref="WatchLine"/> whenever that line changes, until
/// Ctrl-C, <c>--timeout</c> or the object's deletion. Each of those ends with exit code 0.
/// </summary>
internal static class WatchCommand
{
    public static async Task<int> RunAsync(
        IResourceClient<ModelDeployment> resource, ObjectKey key, TimeSpan? timeout, PluginEnvironment env, CancellationToken cancellationToken)
    {
        // Read once first, so that a wrong name fails at once with NotFound instead of waiting for the object.
        var md = await resource.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var last = WatchLine.Render(md);
        await PrintAsync(env, last).ConfigureAwait(false);

        using var deadline = timeout is { } t ? new CancellationTokenSource(t, env.Time) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var watcher = new ListWatcher<ModelDeployment>(
            new ResourceListerWatcher<ModelDeployment>(resource, key.Namespace, fieldSelector: $"metadata.name={key.Name}"),
            new ListWatcherOptions(),
            env.Time);
        try
        {
            await foreach (var update in watcher.RunAsync(stop.Token).ConfigureAwait(false))
            {
                var current = update switch
                {
                    ListWatchSnapshot<ModelDeployment> snapshot => snapshot.Items.FirstOrDefault(),
                    ListWatchChange<ModelDeployment> { Event.Type: WatchEventType.Deleted } => null,
                    ListWatchChange<ModelDeployment> change => change.Event.Object,
                    _ => md,
                };
                if (current is null)
                {
                    await PrintAsync(env, $"{key.Name} was deleted").ConfigureAwait(false);
                    return 0;
                }

                var line = WatchLine.Render(current);
                if (line != last)
                {
                    last = line;
                    await PrintAsync(env, line).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl-C or --timeout: a normal end of a watch.
        }

        return 0;
    }

    private static Task PrintAsync(PluginEnvironment env, string line) =>
        env.Out.WriteLineAsync($"{Age.Timestamp(env.Time.GetUtcNow())}  {line}");
}
