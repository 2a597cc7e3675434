using System.Net.Http.Headers;
using k8s.Authentication;

namespace ModelOperator.Kubernetes.Configuration;

/// <summary>
/// The bearer credential of every request, from one of KubernetesClient's token providers (a fixed token, a token file,
/// an exec credential plugin, OIDC). The provider refreshes what it can by itself (an exec credential past its
/// <c>expirationTimestamp</c>, a token file older than a minute, an expired OIDC id-token); <see cref="Renew"/> is what
/// the client calls after a 401: the next request asks a freshly created provider, so an exec plugin runs again and a
/// token file is read again even when the old credential looked valid. Requests ask one at a time: the package's
/// providers do not guard their refresh, so informers starting together would each run an exec plugin at once.
/// </summary>
public sealed class KubernetesCredentials
{
    private readonly Func<ITokenProvider> _create;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private ITokenProvider _current;

    /// <param name="create">Creates the provider; called now and after each <see cref="Renew"/>.</param>
    public KubernetesCredentials(Func<ITokenProvider> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _create = create;
        _current = create();
    }

    /// <summary>A fixed bearer token (a kubeconfig's <c>token</c>).</summary>
    public static KubernetesCredentials Token(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        var trimmed = token.Trim();
        return new KubernetesCredentials(() => new StringTokenProvider(trimmed, "Bearer"));
    }

    /// <summary>
    /// The <c>Authorization</c> header for the next request. A provider that cannot produce one (an exec plugin that
    /// failed, a token file that went away) surfaces as <see cref="KubernetesConfigurationException"/>.
    /// </summary>
    public async Task<AuthenticationHeaderValue> GetAuthorizationAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Volatile.Read(ref _current).GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException)
        {
            throw new KubernetesConfigurationException($"Cannot get a credential for the API server: {e.Message}", e);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>After a 401: drop the current provider (and whatever it cached) for a new one.</summary>
    public void Renew() => Volatile.Write(ref _current, _create());
}
