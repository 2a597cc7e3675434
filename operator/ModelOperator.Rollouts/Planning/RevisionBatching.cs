namespace ModelOperator.Rollouts.Planning;

/// <summary>The batching a revision's model server runs with, every field decided (see <see cref="RevisionSpec.Batching"/>).</summary>
/// <param name="MaxBatchSize">The largest batch in rows; 0 turns batching off.</param>
/// <param name="MaxBatchDelay">How long a request may wait for a batch to fill, a Go duration.</param>
public sealed record RevisionBatching(int MaxBatchSize, string MaxBatchDelay);
