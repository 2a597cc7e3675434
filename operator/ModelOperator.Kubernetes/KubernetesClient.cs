using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelOperator.Kubernetes.Configuration;
using ModelOperator.Kubernetes.Http;
using ModelOperator.Kubernetes.Models;

namespace ModelOperator.Kubernetes;

/// <summary>
/// The HTTP implementation of <see cref="IKubernetesClient"/>: one <see cref="HttpClient"/> over one
/// <see cref="SocketsHttpHandler"/>, JSON through source-generated contexts. Who we are comes from KubernetesClient
/// (<see cref="KubernetesConfiguration.Credentials"/>: token, token file, exec plugin, OIDC; or a client certificate).
/// A 401 renews the credentials once (an exec plugin runs again); a 429 waits for Retry-After and retries up to
/// <see cref="KubernetesClientOptions.MaxTooManyRequestsRetries"/> times.
/// </summary>
public sealed class KubernetesClient : IKubernetesClient, IDisposable
{
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<Type, object> _resources = new();
    private readonly ILogger _logger;

    public KubernetesClient(KubernetesConfiguration configuration, KubernetesClientOptions? options = null)
        : this(configuration, options, CreateHandler(configuration))
    {
    }

    /// <summary>For tests: send through <paramref name="handler"/> (the client disposes it).</summary>
    internal KubernetesClient(KubernetesConfiguration configuration, KubernetesClientOptions? options, HttpMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(handler);
        Options = options ?? new KubernetesClientOptions();
        Options.Validate();
        Configuration = configuration;
        _logger = Options.LoggerFactory.CreateLogger<KubernetesClient>();
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = configuration.Server,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(Options.UserAgent);
        if (configuration.TlsServerName is { } serverName && configuration.Server.Scheme == Uri.UriSchemeHttps)
        {
            // SocketsHttpHandler takes the TLS name (SNI, and the name the certificate must carry) from the Host header and
            // ignores SslOptions.TargetHost; kube-apiserver does not route by Host, so naming it there changes nothing else.
            _http.DefaultRequestHeaders.Host = configuration.Server.IsDefaultPort ? serverName : $"{serverName}:{configuration.Server.Port}";
        }
    }

    public KubernetesConfiguration Configuration { get; }

    public KubernetesClientOptions Options { get; }

    public string DefaultNamespace => Configuration.Namespace;

    internal TimeProvider Time => Options.TimeProvider;

    internal ILoggerFactory LoggerFactory => Options.LoggerFactory;

    public IResourceClient<T> Resource<T>()
        where T : class, IKubernetesObject<T> =>
        (IResourceClient<T>)_resources.GetOrAdd(typeof(T), _ => new ResourceClient<T>(this));

    public IResourceClient<T> Resource<T>(JsonSerializerOptions decoding)
        where T : class, IKubernetesObject<T>
    {
        ArgumentNullException.ThrowIfNull(decoding);
        return new ResourceClient<T>(this, decoding);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Sends a request built by <paramref name="build"/> (called again for each retry), and returns the successful
    /// response. Error responses become typed exceptions. The caller disposes the response.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> build, string operation, bool streaming, CancellationToken cancellationToken)
    {
        var unauthorizedRetried = false;
        var throttledAttempts = 0;
        while (true)
        {
            using var request = build();
            if (Configuration.Credentials is { } credentials)
            {
                request.Headers.Authorization = await credentials.GetAuthorizationAsync(cancellationToken).ConfigureAwait(false);
            }

            var started = Time.GetTimestamp();
            HttpResponseMessage response;
            if (streaming)
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var timeout = new CancellationTokenSource(Options.RequestTimeout, Time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                try
                {
                    response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"{operation} did not complete within {Options.RequestTimeout}.", e);
                }
            }

            var method = request.Method.Method;
            var path = request.RequestUri?.AbsolutePath ?? string.Empty;
            Log.RequestCompleted(_logger, method, path, (int)response.StatusCode, Time.GetElapsedTime(started).TotalMilliseconds);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.Unauthorized && Configuration.Credentials is { } renewable && !unauthorizedRetried)
                {
                    unauthorizedRetried = true;
                    Log.Unauthorized(_logger, method, path);
                    renewable.Renew();
                    continue;
                }

                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var retryAfter = KubernetesErrors.RetryAfter(response.Headers.RetryAfter, Time.GetUtcNow());
                var error = KubernetesErrors.FromResponse(response.StatusCode, body, retryAfter, operation);
                if (error is KubernetesTooManyRequestsException throttled && throttledAttempts < Options.MaxTooManyRequestsRetries)
                {
                    throttledAttempts++;
                    var wait = throttled.RetryAfter ?? Options.DefaultRetryAfter;
                    wait = wait > Options.MaxRetryAfter ? Options.MaxRetryAfter : wait;
                    Log.Throttled(_logger, method, path, throttledAttempts, Options.MaxTooManyRequestsRetries, wait.TotalSeconds);
                    await Task.Delay(wait, Time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                Log.RequestFailed(_logger, method, path, response.StatusCode, error.Reason);
                throw error;
            }
        }
    }

    private static SocketsHttpHandler CreateHandler(KubernetesConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.GZip,
            SslOptions = new SslClientAuthenticationOptions(),
        };

        if (configuration.ProxyUrl is { } proxy)
        {
            handler.Proxy = new WebProxy(proxy);
            handler.UseProxy = true;
        }

        if (configuration.ClientCertificate is { } certificate)
        {
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { certificate };
        }

        if (configuration.InsecureSkipTlsVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (configuration.CertificateAuthorities is { Count: > 0 } authorities)
        {
            // KubernetesClient's chain check (a chain the system trusts, or one that ends in the configured authorities),
            // plus the name: the package's callback lets a certificate for any name through, kubectl does not.
            handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                certificate is not null && chain is not null
                && (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) == 0
                && global::k8s.Kubernetes.CertificateValidationCallBack(sender, authorities, certificate, chain, errors);
        }

        return handler;
    }
}
