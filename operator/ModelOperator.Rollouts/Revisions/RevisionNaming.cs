using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelOperator.Api;
using ModelOperator.Rollouts.Planning;

namespace ModelOperator.Rollouts.Revisions;

/// <summary>
/// Names revisions by what defines their pods, so equal specs give equal names on every run and every operator replica
/// (controller-runtime's FAQ: deterministic child names, because the cache may be stale).
/// </summary>
public static class RevisionNaming
{
    /// <summary>Hex characters of the hash in a revision name.</summary>
    public const int HashLength = 10;

    /// <summary>The longest revision name: it is a label value (at most 63 characters).</summary>
    public const int MaxNameLength = 63;

    /// <summary>
    /// The revision name of a spec: <c>&lt;md-name&gt;-&lt;hash&gt;</c>, with <see cref="Hash"/> over
    /// <c>spec.model</c> and <c>spec.runtime</c>.
    /// </summary>
    /// <remarks>
    /// The name is also a label value, so it has at most 63 characters: a longer deployment name is cut to
    /// 52 characters (and any trailing <c>-</c> or <c>.</c> removed) before the hash is appended. Two deployments whose
    /// names share the first 52 characters still differ in their <c>modeloperator.io/deployment</c> label.
    /// Example: <c>churn</c> with model churn v1 → <c>churn-3f9a0c1b2d</c> (the digits depend on the whole spec).
    /// </remarks>
    /// <param name="deploymentName">The ModelDeployment's name.</param>
    /// <param name="model">spec.model.</param>
    /// <param name="runtime">spec.runtime (null: none given).</param>
    /// <param name="defaultImage">The operator's default image, used when <c>runtime.image</c> is not set, so that the name
    /// follows the image the pods really run (an operator upgrade that changes the default image rolls out as a canary).</param>
    public static string RevisionName(string deploymentName, ModelSource model, RuntimeSpec? runtime, string defaultImage)
    {
        ArgumentException.ThrowIfNullOrEmpty(deploymentName);
        var prefix = deploymentName.Length > MaxNameLength - HashLength - 1
            ? deploymentName[..(MaxNameLength - HashLength - 1)].TrimEnd('-', '.')
            : deploymentName;
        return $"{prefix}-{Hash(model, runtime, defaultImage)}";
    }

    /// <summary>
    /// The first 10 hex characters of sha256 over the canonical JSON of <c>{"model": …, "runtime": …}</c>.
    /// </summary>
    /// <remarks>
    /// Canonical JSON: the API's own serialization (camelCase, nulls omitted), then every object's keys sorted by
    /// ordinal comparison, arrays kept in order (env order matters to pods), no whitespace, UTF-8. The runtime's image is
    /// the effective one (<paramref name="defaultImage"/> when unset); <c>runtime.disruptionBudget</c> is left out. Map order in the input (e.g. nodeSelector) does
    /// not change the hash; any value change does.
    /// </remarks>
    public static string Hash(ModelSource model, RuntimeSpec? runtime, string defaultImage)
    {
        ArgumentNullException.ThrowIfNull(model);
        // The disruption budget is not part of the pods (a change only updates each revision's PodDisruptionBudget), so
        // it does not name a revision.
        var spec = new ModelDeploymentSpec { Model = model, Runtime = RevisionSpec.EffectiveRuntime(runtime, defaultImage) with { DisruptionBudget = null } };
        var node = JsonSerializer.SerializeToNode(spec, ModelDeploymentJsonContext.Default.ModelDeploymentSpec);
        var canonical = Canonicalize(node)?.ToJsonString() ?? "null";
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
        return Convert.ToHexStringLower(digest)[..HashLength];
    }

    /// <summary>A hash of <c>spec.rollout.steps</c> (for <c>status.stepsHash</c>): a change of steps restarts them.</summary>
    public static string StepsHash(IReadOnlyList<RolloutStep>? steps)
    {
        var node = JsonSerializer.SerializeToNode(new RolloutSpec { Steps = steps ?? [] }, ModelDeploymentJsonContext.Default.RolloutSpec);
        var canonical = Canonicalize(node)?.ToJsonString() ?? "null";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..HashLength];
    }

    /// <summary>A copy of <paramref name="node"/> whose objects have their keys in ordinal order, recursively.</summary>
    internal static JsonNode? Canonicalize(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonicalize(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Canonicalize).ToArray()),
        null => null,
        _ => node.DeepClone(),
    };
}
