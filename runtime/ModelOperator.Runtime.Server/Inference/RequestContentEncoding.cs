using System.Buffers;
using System.IO.Compression;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// Compressed request bodies, as Triton's HTTP client sends them (<c>request_compression_algorithm</c>):
/// <c>Content-Encoding: gzip</c> (a gzip member) or <c>deflate</c> (the zlib format, which is what HTTP's
/// "deflate" means). The body is decoded into one pooled buffer that never grows past the request limit,
/// each growth reserved in the buffering budget first, so a small body that inflates to gigabytes (a zip
/// bomb) costs at most the limit before it is refused with 413. The binary data extension's
/// <c>Inference-Header-Content-Length</c> counts the decoded JSON, as Triton's client computes it.
/// </summary>
internal static class RequestContentEncoding
{
    /// <summary>What the server decodes, for messages and the <c>Accept-Encoding</c> of a 415 (RFC 7694).</summary>
    public const string Accepted = "gzip, deflate";

    public enum Coding
    {
        Identity,
        Gzip,
        Deflate,
    }

    public enum Outcome
    {
        Decoded,
        TooLarge,
        Busy,
        Invalid,
    }

    /// <summary>The request's coding, or the 415 message for one the server cannot decode.</summary>
    public static (Coding Coding, string? Error) Of(HttpRequest request)
    {
        var values = request.Headers.ContentEncoding;
        if (values.Count == 0)
        {
            return (Coding.Identity, null);
        }

        var coding = Coding.Identity;
        var count = 0;
        foreach (var part in values.ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (part.Equals("gzip", StringComparison.OrdinalIgnoreCase) || part.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
            {
                coding = Coding.Gzip;
            }
            else if (part.Equals("deflate", StringComparison.OrdinalIgnoreCase))
            {
                coding = Coding.Deflate;
            }
            else
            {
                return (Coding.Identity, $"Content-Encoding \"{Shown(part)}\" is not supported; send the body uncompressed or with one of: {Accepted}");
            }

            count++;
        }

        return count <= 1
            ? (coding, null)
            : (Coding.Identity, $"Content-Encoding \"{Shown(values.ToString())}\" applies {count} codings; send the body with at most one of: {Accepted}");
    }

    /// <summary>
    /// Decodes <paramref name="body"/> into a buffer rented from <see cref="ArrayPool{T}.Shared"/> (the caller
    /// returns it) holding at most <paramref name="limit"/> bytes. <paramref name="reserve"/> is asked for
    /// every byte of buffer before it is rented; a refusal answers <see cref="Outcome.Busy"/>.
    /// </summary>
    public static (Outcome Outcome, byte[]? Buffer, int Length, string? Error) Decode(
        in ReadOnlySequence<byte> body, Coding coding, long limit, Func<long, bool> reserve)
    {
        // One byte past the limit tells "exactly the limit" from "more".
        var cap = (int)Math.Min(limit + 1, Array.MaxLength);
        var compressed = ArrayPool<byte>.Shared.Rent((int)body.Length);
        byte[]? buffer = null;
        try
        {
            body.CopyTo(compressed);
            using var source = new MemoryStream(compressed, 0, (int)body.Length, writable: false);
            using Stream decoder = coding == Coding.Gzip
                ? new GZipStream(source, CompressionMode.Decompress)
                : new ZLibStream(source, CompressionMode.Decompress);
            var length = 0;
            var capacity = 0; // bytes of the buffer reserved and in use; the pool may hand out more
            while (true)
            {
                if (length == capacity)
                {
                    if (capacity >= cap)
                    {
                        return (Outcome.TooLarge, null, 0, null);
                    }

                    var grown = (int)Math.Min(cap, capacity == 0 ? Math.Max(4096, body.Length * 4) : (long)capacity * 2);
                    if (!reserve(grown - capacity))
                    {
                        return (Outcome.Busy, null, 0, null);
                    }

                    var next = ArrayPool<byte>.Shared.Rent(grown);
                    if (buffer is not null)
                    {
                        buffer.AsSpan(0, length).CopyTo(next);
                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    (buffer, capacity) = (next, grown);
                }

                var read = decoder.Read(buffer!, length, capacity - length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            if (length >= cap)
            {
                return (Outcome.TooLarge, null, 0, null);
            }

            var decoded = buffer;
            buffer = null;
            return (Outcome.Decoded, decoded, length, null);
        }
        catch (InvalidDataException ex)
        {
            return (Outcome.Invalid, null, 0, $"the body is not valid {(coding == Coding.Gzip ? "gzip" : "deflate (zlib)")} data as its Content-Encoding says: {ex.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static string Shown(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
