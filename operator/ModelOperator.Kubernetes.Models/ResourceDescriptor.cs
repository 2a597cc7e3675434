namespace ModelOperator.Kubernetes.Models;

/// <summary>
/// Where a kind lives in the API: <c>/api/v1/namespaces/{ns}/pods</c> for the core group,
/// <c>/apis/{group}/{version}/namespaces/{ns}/{plural}</c> for the others.
/// </summary>
/// <param name="Group">API group; empty for the core group.</param>
/// <param name="Version">API version, e.g. <c>v1</c>.</param>
/// <param name="Plural">Lower-case plural resource name used in URLs, e.g. <c>deployments</c>.</param>
/// <param name="Kind">The kind, e.g. <c>Deployment</c>.</param>
/// <param name="Namespaced">Whether objects live in a namespace.</param>
public sealed record ResourceDescriptor(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    /// <summary><c>group/version</c>, or just <c>version</c> for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>
    /// The collection path, e.g. <c>/apis/apps/v1/namespaces/default/deployments</c>.
    /// A null namespace on a namespaced kind addresses all namespaces.
    /// </summary>
    public string CollectionPath(string? @namespace)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        if (!Namespaced || string.IsNullOrEmpty(@namespace))
        {
            return $"{root}/{Plural}";
        }

        return $"{root}/namespaces/{Uri.EscapeDataString(@namespace)}/{Plural}";
    }

    /// <summary>The path of one object, e.g. <c>/api/v1/namespaces/default/pods/web-0</c>.</summary>
    public string ObjectPath(ObjectKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key.Name, nameof(key));
        if (Namespaced && string.IsNullOrEmpty(key.Namespace))
        {
            throw new ArgumentException($"{Kind} is namespaced: the key '{key}' needs a namespace.", nameof(key));
        }

        if (!Namespaced && !string.IsNullOrEmpty(key.Namespace))
        {
            throw new ArgumentException($"{Kind} is cluster-scoped: the key '{key}' must not have a namespace.", nameof(key));
        }

        return $"{CollectionPath(key.Namespace)}/{Uri.EscapeDataString(key.Name)}";
    }
}
