namespace ModelOperator.Api;

/// <summary>Labels the operator puts on everything it creates for a ModelDeployment.</summary>
public static class Labels
{
    /// <summary>The owning ModelDeployment's name.</summary>
    public const string Deployment = "modeloperator.io/deployment";

    /// <summary>The revision name, <c>&lt;md-name&gt;-&lt;10 hex&gt;</c>.</summary>
    public const string Revision = "modeloperator.io/revision";

    /// <summary>The standard managed-by label; its value is <see cref="ManagedByValue"/>.</summary>
    public const string ManagedBy = "app.kubernetes.io/managed-by";

    public const string ManagedByValue = "modeloperator";
}
