using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.Api;
using ModelOperator.ControllerRuntime.Informers;
using ModelOperator.Kubernetes;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Operator.Apply;

/// <summary>
/// Idempotent create-or-update of one child against what the cache observed. A child that already holds every field
/// we set (<see cref="JsonSubset"/>) is left alone: a resync with nothing to do makes no write. An update starts from
/// the observed object (its resourceVersion guards against a stale cache: a conflict is retried by the controller) and
/// replaces the spec and our labels, annotations and owner references, keeping what others added.
/// An existing object whose controller is not the owner of <c>desired</c> (another controller's, or a hand-made one
/// without an owner reference) is never adopted or overwritten: <see cref="ChildConflictException"/>.
/// </summary>
public sealed class ChildApplier(IKubernetesClient client)
{
    /// <summary>Makes <paramref name="desired"/> exist. <paramref name="observed"/> is the cached object with the same key, or null.</summary>
    public async Task<(T Object, ApplyOutcome Outcome)> EnsureAsync<T>(T desired, T? observed, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<T>
    {
        ArgumentNullException.ThrowIfNull(desired);
        var resource = client.Resource<T>();
        if (observed is null)
        {
            try
            {
                return (await resource.CreateAsync(desired, cancellationToken: cancellationToken).ConfigureAwait(false), ApplyOutcome.Created);
            }
            catch (KubernetesConflictException e) when (e.IsAlreadyExists)
            {
                // The cache was behind: compare with the live object instead.
                observed = await resource.GetAsync(ObjectKey.From(desired), cancellationToken).ConfigureAwait(false);
            }
        }

        if (ConflictWith(observed, desired) is { } conflict)
        {
            throw new ChildConflictException(Reasons.ChildConflict, conflict);
        }

        if (IsUpToDate(observed, desired))
        {
            return (observed, ApplyOutcome.Unchanged);
        }

        var merged = Merge(observed, desired);
        return (await resource.UpdateAsync(merged, cancellationToken: cancellationToken).ConfigureAwait(false), ApplyOutcome.Updated);
    }

    /// <summary>
    /// Why <paramref name="observed"/> may not be written as <paramref name="desired"/>: the desired object names a
    /// controller (its owner reference with <c>controller: true</c>) and the observed one's controller has another uid.
    /// Null when it is ours, or when <paramref name="desired"/> names no controller (a user's HTTPRoute, checked by opt-in).
    /// </summary>
    public static string? ConflictWith<T>(T observed, T desired)
        where T : class, IKubernetesObject<T>
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(desired);
        if (Indexers.ControllerOf(desired) is not { } owner || Indexers.ControllerOf(observed) is { } current && current.Uid == owner.Uid)
        {
            return null;
        }

        var holder = Indexers.ControllerOf(observed) is { } other ? $"is controlled by {other.Kind} {other.Name}" : "has no controller owner reference";
        return $"{T.Resource.Kind} {observed.Metadata.Name} already exists in namespace {observed.Metadata.Namespace} and {holder}, not by {owner.Kind} {owner.Name} (uid {owner.Uid}); "
            + "the operator does not adopt or overwrite it: delete or rename it, or rename the ModelDeployment";
    }

    /// <summary>Deletes a child (in the background: its pods go with it). Already gone is fine.</summary>
    public async Task<ApplyOutcome> DeleteAsync<T>(T observed, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<T>
    {
        ArgumentNullException.ThrowIfNull(observed);
        if (observed.Metadata.DeletionTimestamp is not null)
        {
            return ApplyOutcome.Unchanged;
        }

        try
        {
            await client.Resource<T>().DeleteAsync(ObjectKey.From(observed), new DeleteOptions { PropagationPolicy = PropagationPolicy.Background, PreconditionUid = observed.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
            return ApplyOutcome.Deleted;
        }
        catch (KubernetesNotFoundException)
        {
            return ApplyOutcome.Unchanged;
        }
    }

    /// <summary>True when <paramref name="observed"/> holds every field of <paramref name="desired"/> (status ignored).</summary>
    public static bool IsUpToDate<T>(T observed, T desired)
        where T : class, IKubernetesObject<T>
    {
        var have = JsonSerializer.SerializeToNode(observed, T.JsonTypeInfo)!.AsObject();
        var want = JsonSerializer.SerializeToNode(desired, T.JsonTypeInfo)!.AsObject();
        want.Remove("status");
        return JsonSubset.Contains(have, want);
    }

    /// <summary>The observed object with the desired spec (every top-level field but metadata and status) and our metadata merged in.</summary>
    public static T Merge<T>(T observed, T desired)
        where T : class, IKubernetesObject<T>
    {
        var have = JsonSerializer.SerializeToNode(observed, T.JsonTypeInfo)!.AsObject();
        var want = JsonSerializer.SerializeToNode(desired, T.JsonTypeInfo)!.AsObject();
        foreach (var (key, value) in want)
        {
            if (key is "metadata" or "status" or "apiVersion" or "kind")
            {
                continue;
            }

            have[key] = value?.DeepClone();
        }

        var meta = have["metadata"]!.AsObject();
        var wantMeta = want["metadata"]!.AsObject();
        foreach (var map in new[] { "labels", "annotations" })
        {
            if (wantMeta[map] is JsonObject wanted)
            {
                var target = meta[map] as JsonObject ?? new JsonObject();
                foreach (var (key, value) in wanted)
                {
                    target[key] = value?.DeepClone();
                }

                meta[map] = target;
            }
        }

        if (wantMeta["ownerReferences"] is JsonArray owners)
        {
            meta["ownerReferences"] = owners.DeepClone();
        }

        return have.Deserialize(T.JsonTypeInfo)!;
    }
}
