namespace ModelOperator.Kubernetes.Configuration;

/// <summary>
/// A token read from a file that the kubelet rotates (projected service account tokens expire within an hour).
/// The file is re-read when the cached token is older than <see cref="RefreshInterval"/> (one minute by default)
/// and after <see cref="Invalidate"/> (called on a 401), so a rotated token is picked up without a restart.
/// </summary>
public sealed class FileTokenSource : ITokenSource
{
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _readAt;

    public FileTokenSource(string path, TimeProvider? timeProvider = null, TimeSpan? refreshInterval = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = path;
        _time = timeProvider ?? TimeProvider.System;
        RefreshInterval = refreshInterval ?? TimeSpan.FromMinutes(1);
        if (RefreshInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(refreshInterval), RefreshInterval, "The token refresh interval must be positive.");
        }
    }

    /// <summary>How long a token read from the file is used before the file is read again.</summary>
    public TimeSpan RefreshInterval { get; }

    /// <summary>The file the token is read from.</summary>
    public string Path => _path;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_token is not null && now - _readAt < RefreshInterval)
            {
                return _token;
            }
        }

        string text;
        try
        {
            text = await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubernetesConfigurationException($"Cannot read the bearer token file '{_path}': {e.Message}", e);
        }

        var token = text.Trim();
        if (token.Length == 0)
        {
            throw new KubernetesConfigurationException($"The bearer token file '{_path}' is empty.");
        }

        lock (_gate)
        {
            _token = token;
            _readAt = now;
        }

        return token;
    }

    public void Invalidate()
    {
        lock (_gate)
        {
            _token = null;
        }
    }
}
