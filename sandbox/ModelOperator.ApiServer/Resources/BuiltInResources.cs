namespace ModelOperator.ApiServer.Resources;

/// <summary>The built-in kinds this server serves from the start.</summary>
internal static class BuiltInResources
{
    public static readonly ResourceType Namespaces = new()
    {
        Group = "", Version = "v1", Kind = "Namespace", Plural = "namespaces", Singular = "namespace", Namespaced = false,
        ShortNames = ["ns"], HasStatus = true,
    };

    public static readonly ResourceType Pods = new()
    {
        Group = "", Version = "v1", Kind = "Pod", Plural = "pods", Singular = "pod", Namespaced = true,
        ShortNames = ["po"], Categories = ["all"], HasStatus = true, ReturnsDeletedObject = true,
    };

    public static readonly ResourceType Services = new()
    {
        Group = "", Version = "v1", Kind = "Service", Plural = "services", Singular = "service", Namespaced = true,
        ShortNames = ["svc"], Categories = ["all"], HasStatus = true,
    };

    public static readonly ResourceType Endpoints = new()
    {
        Group = "", Version = "v1", Kind = "Endpoints", Plural = "endpoints", Singular = "endpoints", Namespaced = true,
        ShortNames = ["ep"],
    };

    public static readonly ResourceType Events = new()
    {
        Group = "", Version = "v1", Kind = "Event", Plural = "events", Singular = "event", Namespaced = true,
        ShortNames = ["ev"],
    };

    /// <summary>The same objects as <see cref="Events"/>, under events.k8s.io/v1's field names and rules.</summary>
    public static readonly ResourceType EventsV1 = new()
    {
        Group = "events.k8s.io", Version = "v1", Kind = "Event", Plural = "events", Singular = "event", Namespaced = true,
        ShortNames = ["ev"], StoredForm = new EventsV1StoredForm(),
    };

    public static readonly ResourceType ConfigMaps = new()
    {
        Group = "", Version = "v1", Kind = "ConfigMap", Plural = "configmaps", Singular = "configmap", Namespaced = true,
        ShortNames = ["cm"],
    };

    public static readonly ResourceType Secrets = new()
    {
        Group = "", Version = "v1", Kind = "Secret", Plural = "secrets", Singular = "secret", Namespaced = true,
    };

    public static readonly ResourceType Deployments = new()
    {
        Group = "apps", Version = "v1", Kind = "Deployment", Plural = "deployments", Singular = "deployment", Namespaced = true,
        ShortNames = ["deploy"], Categories = ["all"], HasStatus = true,
        Scale = new ScaleSubresource(".spec.replicas", ".status.replicas", ".spec.selector"),
    };

    public static readonly ResourceType HorizontalPodAutoscalers = new()
    {
        Group = "autoscaling", Version = "v2", Kind = "HorizontalPodAutoscaler", Plural = "horizontalpodautoscalers",
        Singular = "horizontalpodautoscaler", Namespaced = true, ShortNames = ["hpa"], Categories = ["all"], HasStatus = true,
    };

    public static readonly ResourceType Leases = new()
    {
        Group = "coordination.k8s.io", Version = "v1", Kind = "Lease", Plural = "leases", Singular = "lease", Namespaced = true,
    };

    public static readonly ResourceType HttpRoutes = new()
    {
        Group = "gateway.networking.k8s.io", Version = "v1", Kind = "HTTPRoute", Plural = "httproutes", Singular = "httproute",
        Namespaced = true, Categories = ["gateway-api"], HasStatus = true,
    };

    public static readonly ResourceType ServiceAccounts = new()
    {
        Group = "", Version = "v1", Kind = "ServiceAccount", Plural = "serviceaccounts", Singular = "serviceaccount", Namespaced = true,
        ShortNames = ["sa"], ReturnsDeletedObject = true,
    };

    public static readonly ResourceType PersistentVolumeClaims = new()
    {
        Group = "", Version = "v1", Kind = "PersistentVolumeClaim", Plural = "persistentvolumeclaims", Singular = "persistentvolumeclaim",
        Namespaced = true, ShortNames = ["pvc"], HasStatus = true,
    };

    public static readonly ResourceType ResourceQuotas = new()
    {
        Group = "", Version = "v1", Kind = "ResourceQuota", Plural = "resourcequotas", Singular = "resourcequota", Namespaced = true,
        ShortNames = ["quota"], HasStatus = true,
    };

    public static readonly ResourceType LimitRanges = new()
    {
        Group = "", Version = "v1", Kind = "LimitRange", Plural = "limitranges", Singular = "limitrange", Namespaced = true,
        ShortNames = ["limits"],
    };

    public static readonly ResourceType PodDisruptionBudgets = new()
    {
        Group = "policy", Version = "v1", Kind = "PodDisruptionBudget", Plural = "poddisruptionbudgets", Singular = "poddisruptionbudget",
        Namespaced = true, ShortNames = ["pdb"], HasStatus = true,
    };

    // RBAC objects are stored and served, not enforced: this server authorizes every request.
    public static readonly ResourceType Roles = new()
    {
        Group = "rbac.authorization.k8s.io", Version = "v1", Kind = "Role", Plural = "roles", Singular = "role", Namespaced = true,
    };

    public static readonly ResourceType RoleBindings = new()
    {
        Group = "rbac.authorization.k8s.io", Version = "v1", Kind = "RoleBinding", Plural = "rolebindings", Singular = "rolebinding", Namespaced = true,
    };

    public static readonly ResourceType ClusterRoles = new()
    {
        Group = "rbac.authorization.k8s.io", Version = "v1", Kind = "ClusterRole", Plural = "clusterroles", Singular = "clusterrole", Namespaced = false,
    };

    public static readonly ResourceType ClusterRoleBindings = new()
    {
        Group = "rbac.authorization.k8s.io", Version = "v1", Kind = "ClusterRoleBinding", Plural = "clusterrolebindings",
        Singular = "clusterrolebinding", Namespaced = false,
    };

    /// <summary>What <c>kubectl auth can-i</c> asks; the answer is always allowed, as this server authorizes every request.</summary>
    public static readonly ResourceType SelfSubjectAccessReviews = new()
    {
        Group = "authorization.k8s.io", Version = "v1", Kind = "SelfSubjectAccessReview", Plural = "selfsubjectaccessreviews",
        Singular = "selfsubjectaccessreview", Namespaced = false, IsReview = true,
    };

    public static readonly ResourceType CustomResourceDefinitions = new()
    {
        Group = "apiextensions.k8s.io", Version = "v1", Kind = "CustomResourceDefinition", Plural = "customresourcedefinitions",
        Singular = "customresourcedefinition", Namespaced = false, ShortNames = ["crd", "crds"], Categories = ["api-extensions"], HasStatus = true,
    };

    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Namespaces, Pods, Services, Endpoints, Events, EventsV1, ConfigMaps, Secrets, Deployments, HorizontalPodAutoscalers, Leases, HttpRoutes,
        ServiceAccounts, PersistentVolumeClaims, ResourceQuotas, LimitRanges, PodDisruptionBudgets, Roles, RoleBindings, ClusterRoles,
        ClusterRoleBindings, SelfSubjectAccessReviews, CustomResourceDefinitions,
    ];
}
