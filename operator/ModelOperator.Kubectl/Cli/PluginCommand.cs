namespace ModelOperator.Kubectl.Cli;

/// <summary>One sub-command of <c>kubectl model</c>: its name, what it takes, and one line of help.</summary>
internal sealed record PluginCommand(string Name, string Arguments, string Summary, bool TakesToRevision = false, bool TakesTimeout = false, bool TakesFull = false, bool TakesDriftFlags = false)
{
    public const string Status = "status";
    public const string History = "history";
    public const string Watch = "watch";
    public const string Drift = "drift";
    public const string Promote = "promote";
    public const string Abort = "abort";
    public const string Retry = "retry";
    public const string Undo = "undo";
    public const string Pause = "pause";
    public const string Resume = "resume";

    /// <summary>Every command, in the order the help lists them.</summary>
    public static IReadOnlyList<PluginCommand> All { get; } =
    [
        new(Status, "NAME", "Show revisions, traffic weights, the current step and the last decision with its evidence"),
        new(History, "NAME", "List promoted revisions (the numbers undo takes), rolled-back revisions and the running canary"),
        new(Drift, "NAME [-o json|yaml] [--prometheus URL]", "Show the stable revision's drift per feature (score, threshold, since when) with the last hour from Prometheus when configured", TakesDriftFlags: true),
        new(Watch, "NAME [--timeout 5m]", "Print a line each time the phase, step, weight or last decision changes", TakesTimeout: true),
        new(Promote, "NAME [--full]", "Finish the current step (a pause, an analysis) and go on (annotation action=promote-step); --full makes the canary stable now, skipping every remaining step (action=promote)", TakesFull: true),
        new(Abort, "NAME", "Roll the running canary back now and quarantine it (annotation action=abort)"),
        new(Retry, "NAME", "Lift the quarantine of the spec's revision so that it rolls out again (annotation action=retry)"),
        new(Undo, "NAME [--to-revision N]", "Make an earlier revision stable again; without --to-revision the previous one (annotation action=undo)", TakesToRevision: true),
        new(Pause, "NAME", "Hold the rollout where it is (spec.paused=true)"),
        new(Resume, "NAME", "Let a paused rollout continue (spec.paused=false)"),
    ];

    public static PluginCommand? Find(string name) => All.FirstOrDefault(c => c.Name == name);

    /// <summary>The usage line, e.g. <c>kubectl model undo NAME [--to-revision N] [-n NAMESPACE]</c>.</summary>
    public string UsageLine => $"kubectl model {Name} {Arguments} [-n NAMESPACE] [--context CONTEXT] [--kubeconfig FILE]";
}
