namespace ModelOperator.Rollouts.Planning;

/// <summary>
/// What the stable revision's servers mirror during a shadow step (the operator writes it as the instruction of
/// <c>ModelOperator.Contracts.ShadowContract</c>, with <see cref="Target"/> turned into that revision's Service URL).
/// </summary>
/// <param name="Source">The revision whose servers send the copies: the stable one.</param>
/// <param name="Target">The revision that answers them: the canary (its Service carries the revision's name).</param>
/// <param name="Percent">The share of requests copied, 1 to 100.</param>
/// <param name="Tolerance">The largest absolute difference per output value that counts as agreement.</param>
public sealed record ShadowPlan(string Source, string Target, int Percent, double Tolerance);
