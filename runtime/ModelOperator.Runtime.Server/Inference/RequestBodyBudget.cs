using ModelOperator.Runtime.Server.Hosting;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// Bounds the request-body bytes buffered at once over all requests, so that many large bodies
/// arriving together cannot exhaust memory: each request reserves its bytes as they arrive (or
/// its Content-Length up front) and gives them back when it is done. A reservation that would go
/// over the budget is refused, and the request answers 503 with Retry-After.
/// </summary>
internal sealed class RequestBodyBudget(ServerOptions options)
{
    private long _reserved;

    /// <summary>The budget in bytes (MAX_BUFFERED_REQUEST_BYTES).</summary>
    public long Limit { get; } = options.MaxBufferedRequestBytes;

    /// <summary>Bytes reserved now.</summary>
    public long Reserved => Interlocked.Read(ref _reserved);

    /// <summary>Reserves <paramref name="bytes"/> more; false (and nothing reserved) if that would exceed the budget.</summary>
    public bool TryReserve(long bytes)
    {
        if (bytes <= 0)
        {
            return true;
        }

        if (Interlocked.Add(ref _reserved, bytes) <= Limit)
        {
            return true;
        }

        Interlocked.Add(ref _reserved, -bytes);
        return false;
    }

    /// <summary>Gives back bytes reserved earlier.</summary>
    public void Release(long bytes)
    {
        if (bytes > 0)
        {
            Interlocked.Add(ref _reserved, -bytes);
        }
    }
}
