using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelOperator.ControllerRuntime.Controllers;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Sandbox.Deployments;

/// <summary>
/// Reconciles one apps/v1 Deployment: observe (the Deployment and its pods from the caches), plan
/// (<see cref="PodScalePlanner"/>, <see cref="DeploymentStatusCalculator"/>), apply (create and delete pods),
/// report (status through <c>/status</c>, only when it changed).
/// Pod names carry a random suffix, so the cache may lag our own writes: until the cache shows every pod we
/// created or deleted (or <see cref="ExpectationTimeout"/> passes) no further scaling is decided (the
/// ReplicaSet controller's "expectations").
/// </summary>
internal sealed partial class DeploymentReconciler(
    IResourceClient<Deployment> deployments,
    IResourceClient<Pod> pods,
    IObjectCache<Deployment> deploymentCache,
    IObjectCache<Pod> podCache,
    TimeProvider time,
    ILogger logger) : IReconciler
{
    private const string SuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    private static readonly TimeSpan ExpectationTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExpectationPoll = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<ObjectKey, Expectation> _expectations = new();

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var deployment = deploymentCache.Get(key);
        if (deployment is null || deployment.Metadata.DeletionTimestamp is not null)
        {
            // Pods go with the Deployment through their owner references (garbage collection).
            _expectations.TryRemove(key, out _);
            return ReconcileResult.Done;
        }

        var uid = deployment.Metadata.Uid ?? string.Empty;
        var owned = podCache.ByIndex(Indexers.ControllerUidIndex, uid);
        var now = time.GetUtcNow();
        if (_expectations.TryGetValue(key, out var expected))
        {
            if (!expected.IsMet(owned, now))
            {
                return ReconcileResult.After(ExpectationPoll);
            }

            _expectations.TryRemove(key, out _);
        }

        var template = deployment.Spec?.Template ?? new PodTemplateSpec();
        var hash = PodTemplateHash.Of(template);
        var desired = Math.Max(0, deployment.Spec?.Replicas ?? 1);
        var plan = PodScalePlanner.Plan(desired, hash, owned);
        if (!plan.IsEmpty)
        {
            var created = new List<string>();
            for (var i = 0; i < plan.Create; i++)
            {
                var pod = NewPod(deployment, template, hash);
                await pods.CreateAsync(pod, cancellationToken: cancellationToken).ConfigureAwait(false);
                created.Add(pod.Metadata.Name!);
                Log.PodCreated(logger, key.ToString(), pod.Metadata.Name!);
            }

            foreach (var name in plan.Delete)
            {
                try
                {
                    await pods.DeleteAsync(new ObjectKey(key.Namespace, name), cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (KubernetesNotFoundException)
                {
                    // Already gone: the goal is met.
                }

                Log.PodDeleted(logger, key.ToString(), name);
            }

            _expectations[key] = new Expectation(created, plan.Delete, now + ExpectationTimeout);
        }

        var status = DeploymentStatusCalculator.Compute(deployment, owned, hash, now);
        if (!SameJson(status, deployment.Status))
        {
            await deployments.PatchStatusAsync(key, Patch.Merge(new JsonObject { ["status"] = StatusNode(status) }), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return NextLook(deployment, plan, status, now);
    }

    /// <summary>
    /// Pod events cover most changes; time alone moves two things: a ready pod becomes available after
    /// minReadySeconds (look again in a second), and an unfinished rollout hits its progress deadline (look again then).
    /// </summary>
    private static ReconcileResult NextLook(Deployment deployment, PodScalePlan plan, DeploymentStatus status, DateTimeOffset now)
    {
        if (!plan.IsEmpty || status.ReadyReplicas > status.AvailableReplicas)
        {
            return ReconcileResult.After(TimeSpan.FromSeconds(1));
        }

        var progressing = status.Conditions?.FirstOrDefault(c => c.Type == DeploymentStatusCalculator.Progressing);
        if (progressing?.Reason == DeploymentStatusCalculator.ReplicaSetUpdated && progressing.LastUpdateTime is { } last)
        {
            var deadline = last + TimeSpan.FromSeconds(deployment.Spec?.ProgressDeadlineSeconds ?? 600) + TimeSpan.FromSeconds(1);
            return ReconcileResult.After(deadline > now ? deadline - now : TimeSpan.FromSeconds(1));
        }

        return ReconcileResult.Done;
    }

    private static Pod NewPod(Deployment deployment, PodTemplateSpec template, string hash)
    {
        var name = $"{deployment.Metadata.Name}-{hash}-{new string(RandomNumberGenerator.GetItems<char>(SuffixAlphabet, 5))}";
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [SandboxNames.PodTemplateHashLabel] = hash,
        };
        return new Pod
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = deployment.Metadata.Namespace,
                Labels = labels,
                Annotations = template.Metadata?.Annotations,
                OwnerReferences =
                [
                    new OwnerReference
                    {
                        ApiVersion = deployment.ApiVersion,
                        Kind = deployment.Kind,
                        Name = deployment.Metadata.Name!,
                        Uid = deployment.Metadata.Uid!,
                        Controller = true,
                        BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = template.Spec,
        };
    }

    private static JsonNode StatusNode(DeploymentStatus status) =>
        JsonSerializer.SerializeToNode(new Deployment { Status = status }, Deployment.JsonTypeInfo)!["status"]!.DeepClone();

    private static bool SameJson(DeploymentStatus status, DeploymentStatus? old) =>
        old is not null && JsonNode.DeepEquals(StatusNode(status), StatusNode(old));

    /// <summary>Pods this reconciler created or deleted and has not yet seen so in the cache.</summary>
    private sealed record Expectation(IReadOnlyList<string> Created, IReadOnlyList<string> Deleted, DateTimeOffset Deadline)
    {
        public bool IsMet(IReadOnlyList<Pod> owned, DateTimeOffset now)
        {
            if (now >= Deadline)
            {
                return true;
            }

            var live = owned.Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name).ToHashSet(StringComparer.Ordinal);
            var all = owned.Select(p => p.Metadata.Name).ToHashSet(StringComparer.Ordinal);
            return Created.All(all.Contains) && !Deleted.Any(live.Contains);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Deployment {Deployment}: created pod {Pod}")]
        public static partial void PodCreated(ILogger logger, string deployment, string pod);

        [LoggerMessage(2, LogLevel.Information, "Deployment {Deployment}: deleted pod {Pod}")]
        public static partial void PodDeleted(ILogger logger, string deployment, string pod);
    }
}
