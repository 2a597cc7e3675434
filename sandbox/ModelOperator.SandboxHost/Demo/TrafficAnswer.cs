namespace ModelOperator.SandboxHost.Demo;

/// <summary>One request's end: when it was sent and answered, the model version a 200 named, or why it failed.</summary>
public readonly record struct TrafficAnswer(DateTimeOffset Sent, DateTimeOffset Answered, string? Version, string? FailureReason);
