namespace ModelOperator.Rollouts.Analysis;

/// <summary>What a run means for the rollout once the failure limit is applied.</summary>
public enum AnalysisOutcome
{
    /// <summary>The run was Successful: the analysis step (or bake check) passes.</summary>
    Passed,

    /// <summary>Inconclusive: wait for the next run (the progress deadline still runs).</summary>
    Waiting,

    /// <summary>Failed or Error within the failure limit: measure again after the interval.</summary>
    Tolerated,

    /// <summary>Roll the revision back.</summary>
    RollBack,
}
