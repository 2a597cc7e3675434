namespace ModelOperator.Rollouts.Analysis;

/// <summary>Consecutive failed and errored analysis runs of the current canary (kept in the rollout progress).</summary>
/// <param name="Failures">Runs in a row whose verdict was Failed (a Successful run resets it).</param>
/// <param name="Errors">Runs in a row whose verdict was Error (a Successful run resets it).</param>
public readonly record struct FailureTally(int Failures, int Errors)
{
    public static FailureTally Zero => default;
}
