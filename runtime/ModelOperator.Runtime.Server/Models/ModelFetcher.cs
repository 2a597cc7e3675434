using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Runtime.Server.Models;

/// <summary>
/// Brings a model file to local disk and reads it into memory once, verified. Local paths are
/// used in place; http(s) and s3 objects are downloaded into the cache directory with a
/// per-attempt timeout and bounded, growing retries. The sha256 is computed over the same bytes
/// the caller then loads (never over a path opened a second time), and bytes whose sha256
/// differs from the expected one are refused. Nothing larger than MAX_MODEL_BYTES is downloaded
/// or read. URIs appear in messages and logs only through <see cref="UriRedaction"/>, credentials
/// (<see cref="StorageCredentials"/>) never. A download is written to a temporary file and renamed
/// into place only when complete, so a failed one leaves nothing behind. Redirects are followed
/// only to https, at most <see cref="MaxRedirects"/> of them; the download header goes only to the
/// model URI's own host.
/// </summary>
internal sealed partial class ModelFetcher(ServerOptions options, HttpMessageHandler? httpHandler, TimeProvider time, ILogger<ModelFetcher> logger)
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The most redirects one http(s) download follows.</summary>
    public const int MaxRedirects = 5;

    /// <summary>
    /// Fetches <paramref name="uri"/> and returns its bytes with their sha256 (lower-case hex),
    /// verified against <paramref name="expectedSha256"/> when one is given.
    /// </summary>
    public async Task<VerifiedFile> FetchAsync(string uri, string? expectedSha256, CancellationToken cancellationToken)
    {
        var path = await FetchUnverifiedAsync(uri, cancellationToken).ConfigureAwait(false);
        var bytes = await ReadBoundedAsync(path, uri, cancellationToken).ConfigureAwait(false);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (expectedSha256 is not null && !string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException(
                ModelLoadReason.ChecksumMismatch,
                $"model {UriRedaction.Redact(uri)} has sha256 {actual} but {expectedSha256} was expected; it will not be served");
        }

        return new VerifiedFile(bytes, actual);
    }

    // One open, one read: the length is checked on the open handle, so the file cannot grow
    // between the check and the read.
    private async Task<byte[]> ReadBoundedAsync(string path, string uri, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var length = stream.Length;
            if (length > Limit)
            {
                throw TooLarge(uri, length);
            }

            var bytes = new byte[length];
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            if (stream.ReadByte() >= 0)
            {
                throw new ModelLoadException(ModelLoadReason.DownloadFailed, $"model {UriRedaction.Redact(uri)} changed while it was read");
            }

            return bytes;
        }
    }

    // A single ONNX file cannot exceed protobuf's 2 GiB, nor can a .NET array; MAX_MODEL_BYTES may only lower that.
    private long Limit => Math.Min(options.MaxModelBytes, Array.MaxLength);

    private ModelLoadException TooLarge(string uri, long? bytes) =>
        new(
            ModelLoadReason.ModelTooLarge,
            $"model {UriRedaction.Redact(uri)} is {(bytes is { } b ? $"{b} bytes" : "larger than the limit")}, more than the {Limit} bytes allowed (MAX_MODEL_BYTES); it will not be downloaded or served");

    private Task<string> FetchUnverifiedAsync(string uri, CancellationToken cancellationToken)
    {
        if (!uri.Contains("://", StringComparison.Ordinal))
        {
            return Task.FromResult(LocalPath(uri, uri));
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            throw new ModelLoadException(ModelLoadReason.UnsupportedUri, $"model URI \"{UriRedaction.Redact(uri)}\" is not a valid URI");
        }

        return parsed.Scheme switch
        {
            "file" => Task.FromResult(LocalPath(parsed.LocalPath, uri)),
            "http" or "https" => DownloadWithRetriesAsync(uri, (dest, ct) => DownloadHttpAsync(parsed, dest, ct), cancellationToken),
            "s3" => DownloadWithRetriesAsync(uri, (dest, ct) => DownloadS3Async(parsed, dest, ct), cancellationToken),
            _ => throw new ModelLoadException(
                ModelLoadReason.UnsupportedUri,
                $"model URI scheme \"{parsed.Scheme}\" is not supported; use a path, file://, http://, https:// or s3://bucket/key"),
        };
    }

    private static string LocalPath(string path, string uri)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException(ModelLoadReason.ModelNotFound, $"model file {UriRedaction.Redact(uri)} does not exist");
        }

        return Path.GetFullPath(path);
    }

    private async Task<string> DownloadWithRetriesAsync(string uri, Func<string, CancellationToken, Task> download, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.CacheDirectory);
        // One file per URI.
        var name = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(uri)))[..16] + ".onnx";
        var destination = Path.Combine(options.CacheDirectory, name);
        // The model is downloaded again on every start; removing the old copy first keeps the disk used at one model.
        TryDelete(destination);
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var partial = destination + ".partial";
            using var attemptTimeout = new CancellationTokenSource(options.DownloadTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attemptTimeout.Token);
            try
            {
                await download(partial, linked.Token).ConfigureAwait(false);
                File.Move(partial, destination, overwrite: true);
                Log.Downloaded(logger, UriRedaction.Redact(uri), new FileInfo(destination).Length, attempt);
                return destination;
            }
            catch (ModelLoadException)
            {
                TryDelete(partial);
                throw; // not worth retrying (not found, access denied, too large, a refused redirect)
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or AmazonServiceException or AmazonClientException
                                           || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                TryDelete(partial);
                var message = ex is OperationCanceledException ? $"timed out after {options.DownloadTimeout.TotalSeconds:0} s" : ex.Message;
                if (attempt >= options.DownloadAttempts)
                {
                    throw new ModelLoadException(
                        ModelLoadReason.DownloadFailed,
                        $"could not download model {UriRedaction.Redact(uri)} after {attempt} attempts: {message}",
                        ex);
                }

                Log.DownloadRetry(logger, UriRedaction.Redact(uri), attempt, message, delay);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
            catch
            {
                TryDelete(partial); // stopped, or a failure of the disk: no partial model stays behind
                throw;
            }
        }
    }

    private async Task DownloadHttpAsync(Uri uri, string destination, CancellationToken cancellationToken)
    {
        var shown = UriRedaction.Redact(uri.OriginalString);
        var header = StorageCredentials.HttpHeader(options, shown);
        // Redirects are followed here, not by the handler, to refuse any that leaves https and to bound their count.
        using var client = httpHandler is null
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
            : new HttpClient(httpHandler, disposeHandler: false);
        client.Timeout = Timeout.InfiniteTimeSpan; // the attempt's token bounds it
        var current = uri;
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (header is { } h && MaySendHeader(uri, current))
            {
                request.Headers.TryAddWithoutValidation(h.Name, h.Value);
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode is 301 or 302 or 303 or 307 or 308)
            {
                current = RedirectTarget(current, response, redirects, shown);
                continue;
            }

            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                throw new ModelLoadException(ModelLoadReason.ModelNotFound, $"model {shown} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                var sent = header is { } given ? $"the {given.Name} header from Secret \"{options.HttpHeaderSecret ?? "(unnamed)"}\" was sent" : "no credentials were sent (spec.model.http)";
                throw new ModelLoadException(ModelLoadReason.DownloadFailed, $"model {shown} answered {(int)response.StatusCode} {response.ReasonPhrase}; {sent}; check the credentials");
            }

            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                await CopyBoundedAsync(body, response.Content.Headers.ContentLength, destination, uri.OriginalString, cancellationToken).ConfigureAwait(false);
            }

            return;
        }
    }

    // The next URL of a redirect: only https (a redirect must not downgrade the transport or reach plain-text hosts), and only so many.
    private static Uri RedirectTarget(Uri current, HttpResponseMessage response, int redirects, string shown)
    {
        if (response.Headers.Location is not { } location)
        {
            throw new ModelLoadException(ModelLoadReason.DownloadFailed, $"model {shown} answered {(int)response.StatusCode} without a Location to follow");
        }

        var next = location.IsAbsoluteUri ? location : new Uri(current, location);
        if (next.Scheme != Uri.UriSchemeHttps)
        {
            throw new ModelLoadException(
                ModelLoadReason.DownloadFailed,
                $"model {shown} redirects to {UriRedaction.Redact(next.OriginalString)}, which is not https; only redirects to https are followed");
        }

        if (redirects >= MaxRedirects)
        {
            throw new ModelLoadException(ModelLoadReason.DownloadFailed, $"model {shown} redirects more than {MaxRedirects} times; at most {MaxRedirects} redirects are followed");
        }

        return next;
    }

    // The header is a credential for the model URI's host: never sent to another host a redirect names (a CDN or a
    // presigned URL carries its own), nor over plain http unless the model URI itself is plain http.
    private static bool MaySendHeader(Uri original, Uri current) =>
        string.Equals(original.IdnHost, current.IdnHost, StringComparison.OrdinalIgnoreCase)
        && (current == original || (current.Scheme == Uri.UriSchemeHttps && (current.Port == original.Port || original.Scheme == Uri.UriSchemeHttp)));

    // Refuses a declared length over the limit before writing anything, and stops an undeclared
    // one as soon as it passes the limit, so that a large download cannot fill the disk.
    private async Task CopyBoundedAsync(Stream source, long? declared, string destination, string uri, CancellationToken cancellationToken)
    {
        if (declared > Limit)
        {
            throw TooLarge(uri, declared);
        }

        var file = File.Create(destination);
        await using (file.ConfigureAwait(false))
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > Limit)
                {
                    throw TooLarge(uri, null);
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DownloadS3Async(Uri uri, string destination, CancellationToken cancellationToken)
    {
        var bucket = uri.Host;
        var key = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (bucket.Length == 0 || key.Length == 0)
        {
            throw new ModelLoadException(ModelLoadReason.UnsupportedUri, $"model URI {UriRedaction.Redact(uri.OriginalString)} must have the form s3://bucket/key");
        }

        var config = new AmazonS3Config { RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.S3Region), MaxErrorRetry = 0 };
        if (options.S3Endpoint is { } endpoint)
        {
            // S3-compatible stores (MinIO, Ceph, ...) want path-style addressing at their own URL.
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
        }

        using var client = StorageCredentials.CreateS3Client(options, config, UriRedaction.Redact(uri.OriginalString));
        try
        {
            using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            await CopyBoundedAsync(response.ResponseStream, response.ContentLength, destination, uri.OriginalString, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ModelLoadException(ModelLoadReason.ModelNotFound, $"model {UriRedaction.Redact(uri.OriginalString)} does not exist ({ex.ErrorCode})", ex);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            throw new ModelLoadException(
                ModelLoadReason.DownloadFailed,
                $"model {UriRedaction.Redact(uri.OriginalString)}: access denied ({ex.ErrorCode}) with {StorageCredentials.S3Source(options)}; check the credentials and the bucket's policy",
                ex);
        }
    }

    /// <summary>A file's bytes, read once, with their sha256.</summary>
    public sealed record VerifiedFile(byte[] Bytes, string Sha256);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Downloaded model {Uri} ({Bytes} bytes) on attempt {Attempt}")]
        public static partial void Downloaded(ILogger logger, string uri, long bytes, int attempt);

        [LoggerMessage(2, LogLevel.Warning, "Download of model {Uri} failed on attempt {Attempt}: {Error}; retrying in {Delay}")]
        public static partial void DownloadRetry(ILogger logger, string uri, int attempt, string error, TimeSpan delay);
    }
}
