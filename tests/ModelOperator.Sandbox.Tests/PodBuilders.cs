using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Sandbox.Tests;

/// <summary>Pods in the shapes the pure functions look at.</summary>
internal static class PodBuilders
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <param name="readyFor">How long the pod has been Ready; null when it is not ready.</param>
    public static Pod Pod(string name, string hash, TimeSpan? readyFor, bool terminating = false, TimeSpan? age = null, IReadOnlyDictionary<string, string>? labels = null, int? port = 30000, string ns = "sandbox") => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = ns,
            CreationTimestamp = Now - (age ?? TimeSpan.FromMinutes(1)),
            DeletionTimestamp = terminating ? Now : null,
            Labels = new Dictionary<string, string>(labels ?? new Dictionary<string, string>()) { [SandboxNames.PodTemplateHashLabel] = hash },
            Annotations = port is null ? null : new Dictionary<string, string> { [SandboxNames.PortAnnotation] = port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        },
        Status = new PodStatus
        {
            Conditions = [new PodCondition { Type = "Ready", Status = readyFor is null ? "False" : "True", LastTransitionTime = Now - (readyFor ?? TimeSpan.Zero) }],
        },
    };
}
