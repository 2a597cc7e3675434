namespace ModelOperator.Rollouts.Planning;

/// <summary>An Event to record on the ModelDeployment.</summary>
/// <param name="Type"><c>Normal</c> or <c>Warning</c>.</param>
/// <param name="Reason">A reason from <c>Reasons</c>.</param>
/// <param name="Message">What happened, with the numbers.</param>
public sealed record PlannedEvent(string Type, string Reason, string Message)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
