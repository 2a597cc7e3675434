namespace ModelOperator.ApiServer.Cel;

/// <summary>
/// A CEL runtime error (<c>no such key: x</c>, <c>no such overload</c>, <c>division by zero</c>, …), worded as cel-go words it.
/// CEL's logical operators absorb it when the other side decides the result.
/// </summary>
internal sealed class CelEvaluationException : Exception
{
    public CelEvaluationException()
    {
    }

    public CelEvaluationException(string message)
        : base(message)
    {
    }

    public CelEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static CelEvaluationException NoSuchOverload(string function) => new($"no such overload: {function}");
}
