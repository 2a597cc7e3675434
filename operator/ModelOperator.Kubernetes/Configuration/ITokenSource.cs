namespace ModelOperator.Kubernetes.Configuration;

/// <summary>Supplies the bearer token for each request.</summary>
public interface ITokenSource
{
    /// <summary>The current token.</summary>
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>Called after a 401: the next <see cref="GetTokenAsync"/> should fetch a fresh token if it can.</summary>
    void Invalidate();
}

/// <summary>A fixed token, e.g. from a kubeconfig's <c>token</c> field.</summary>
public sealed class StaticTokenSource : ITokenSource
{
    private readonly string _token;

    public StaticTokenSource(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _token = token.Trim();
    }

    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_token);

    public void Invalidate()
    {
    }
}
