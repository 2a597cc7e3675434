using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Benchmarks;

/// <summary>
/// Stands in for the kubelet in operator-scale: every pod that is not Ready becomes Running and Ready. It watches pods,
/// as a kubelet does, instead of listing them all in a loop: at 1 000 pods a list every 200 ms cost the bench process
/// (which also hosts the API server) more CPU than the operator under measurement spent, on the same 2 cores.
/// </summary>
internal static class StandInKubelet
{
    public static async Task RunAsync(IKubernetesClient client, CancellationToken cancellationToken)
    {
        var pods = client.Resource<Pod>();
        string? from = null; // no version: the watch starts with every existing pod as ADDED
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in pods.WatchAsync(null, new WatchOptions { ResourceVersion = from }, cancellationToken).ConfigureAwait(false))
                {
                    if (e.Type is WatchEventType.Error)
                    {
                        from = null; // expired (410): start again from every pod that exists
                        break;
                    }

                    from = e.ResourceVersion ?? from;
                    if (e.Type is WatchEventType.Added or WatchEventType.Modified && e.Object is { } pod && pod.Metadata.DeletionTimestamp is null && !IsReady(pod))
                    {
                        await MarkReadyAsync(pods, pod, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is KubernetesApiException or HttpRequestException or IOException)
            {
                // The watch broke: resume from the last version seen.
            }
        }
    }

    private static bool IsReady(Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static async Task MarkReadyAsync(IResourceClient<Pod> pods, Pod pod, CancellationToken cancellationToken)
    {
        var ready = pod with
        {
            Status = new PodStatus
            {
                Phase = "Running",
                PodIP = "127.0.0.1",
                Conditions = [new PodCondition { Type = "Ready", Status = "True" }, new PodCondition { Type = "ContainersReady", Status = "True" }],
                ContainerStatuses = [new ContainerStatus { Name = pod.Spec?.Containers?.FirstOrDefault()?.Name ?? "server", Ready = true, Started = true }],
            },
        };
        try
        {
            await pods.UpdateStatusAsync(ready, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException)
        {
            // Deleted or changed meanwhile: a change comes back through the watch and is looked at again.
        }
    }
}
