namespace ModelOperator.ApiServer.Errors;

/// <summary>One cause of an Invalid error: the field path, a machine reason and a human message.</summary>
internal sealed record StatusCause(string Reason, string Message, string Field);
