namespace ModelOperator.Rollouts.Analysis;

/// <summary>
/// One feature or output named as a cause of a drift or data-quality verdict, with its evidence.
/// </summary>
/// <param name="Name">The feature (column) or output name.</param>
/// <param name="Score">Its score: PSI for drift, a share 0 to 1 for data quality.</param>
/// <param name="Samples">The values the score rests on.</param>
/// <param name="Summary">Reference against live in words and numbers, at most <see cref="DriftCauses.MaxSummaryLength"/> characters.</param>
/// <param name="Since">When the model server first saw it cross its drift threshold (the current episode), if it did.</param>
public sealed record DriftCause(string Name, double Score, long Samples, string Summary, DateTimeOffset? Since = null);
