namespace ModelOperator.Chart.Tests;

/// <summary>
/// Every API request the operator makes, as (API group, resource, verb), each with the code that makes it. The chart's
/// RBAC must grant all of these and nothing beyond them (see ChartInstallTests), and the end-to-end tests check the
/// other way: every call the real operator process made during their scenarios is in this list (E2eSandbox).
/// </summary>
internal static class OperatorNeeds
{
    public static IReadOnlyList<(string Group, string Resource, string Verb)> Managed { get; } =
    [
        // Hosting/OperatorInformers.cs: an informer (list + watch) per kind.
        ("modeloperator.io", "modeldeployments", "list"),
        ("modeloperator.io", "modeldeployments", "watch"),
        // Reconciling/LiveClusterView.cs reads one ModelDeployment (a view for one-shot tools; the operator reads its caches).
        ("modeloperator.io", "modeldeployments", "get"),
        // Apply/PlanApplier.ApplyAnnotationsAsync: a merge patch of metadata.annotations; Reconciling/HttpRouteFinalizer.cs:
        // a merge patch of metadata.finalizers.
        ("modeloperator.io", "modeldeployments", "patch"),
        // Reconciling/PlanReporter.ReportAsync: UpdateStatusAsync is a PUT on /status.
        ("modeloperator.io", "modeldeployments/status", "update"),
        // Children/ChildNames.cs sets blockOwnerDeletion; OwnerReferencesPermissionEnforcement then asks for this.
        ("modeloperator.io", "modeldeployments/finalizers", "update"),
        ("apps", "deployments", "list"),
        ("apps", "deployments", "watch"),
        // Apply/ChildApplier.cs: create, get after AlreadyExists, update (scaling a revision too), delete.
        ("apps", "deployments", "get"),
        ("apps", "deployments", "create"),
        ("apps", "deployments", "update"),
        ("apps", "deployments", "delete"),
        ("", "services", "list"),
        ("", "services", "watch"),
        ("", "services", "get"),
        ("", "services", "create"),
        ("", "services", "update"),
        ("", "services", "delete"),
        ("autoscaling", "horizontalpodautoscalers", "list"),
        ("autoscaling", "horizontalpodautoscalers", "watch"),
        ("autoscaling", "horizontalpodautoscalers", "get"),
        ("autoscaling", "horizontalpodautoscalers", "create"),
        ("autoscaling", "horizontalpodautoscalers", "update"),
        ("autoscaling", "horizontalpodautoscalers", "delete"),
        // ModelDeploymentReconciler.DisruptionBudgets.cs: a PodDisruptionBudget per serving revision, applied like the HPAs.
        ("policy", "poddisruptionbudgets", "list"),
        ("policy", "poddisruptionbudgets", "watch"),
        ("policy", "poddisruptionbudgets", "get"),
        ("policy", "poddisruptionbudgets", "create"),
        ("policy", "poddisruptionbudgets", "update"),
        ("policy", "poddisruptionbudgets", "delete"),
        // Children/ShadowChildren.cs: the shadow step's instruction ConfigMap, applied like the other children.
        ("", "configmaps", "list"),
        ("", "configmaps", "watch"),
        ("", "configmaps", "get"),
        ("", "configmaps", "create"),
        ("", "configmaps", "update"),
        ("", "configmaps", "delete"),
        // Pods are only read (informer); analysis scrapes them over HTTP by pod IP, not through the API.
        ("", "pods", "list"),
        ("", "pods", "watch"),
        // HTTPRoutes belong to the user: read, and their backend weights updated by ChildApplier (and their backendRefs to the
        // ModelDeployment's Services removed by HttpRouteFinalizer on deletion), never created.
        ("gateway.networking.k8s.io", "httproutes", "list"),
        ("gateway.networking.k8s.io", "httproutes", "watch"),
        ("gateway.networking.k8s.io", "httproutes", "get"),
        ("gateway.networking.k8s.io", "httproutes", "update"),
        // ControllerRuntime/Events/EventRecorder.cs: create, then patch the count of a repeated event.
        ("", "events", "create"),
        ("", "events", "patch"),
        // Secrets/SecretHeaderReader.cs: one Secret by name, in the ModelDeployment's namespace, when a web metric or a webhook
        // with a header from valueFrom.secretKeyRef is called. Never list or watch: the operator holds no Secret it does not use.
        ("", "secrets", "get"),
    ];

    /// <summary>ControllerRuntime/LeaderElection/LeaseLock.cs: get, create when missing, update to renew. In the Lease namespace.</summary>
    public static IReadOnlyList<(string Group, string Resource, string Verb)> Lease { get; } =
    [
        ("coordination.k8s.io", "leases", "get"),
        ("coordination.k8s.io", "leases", "create"),
        ("coordination.k8s.io", "leases", "update"),
    ];
}
