using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.ObjectPool;

namespace ModelOperator.Runtime.Server.Inference;

/// <summary>
/// A reusable buffer and JSON writer for one response. Responses are written here first so that
/// Content-Length is known (no chunked encoding), then copied once into the connection.
/// </summary>
internal sealed class ResponseBuffer
{
    private const int MaxRetainedBytes = 1 << 20;

    public static readonly ObjectPool<ResponseBuffer> Pool =
        new DefaultObjectPool<ResponseBuffer>(new Policy(), Environment.ProcessorCount * 8);

    private ArrayBufferWriter<byte> _buffer = new(4096);

    public ResponseBuffer() => Writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions
        {
            SkipValidation = true,
            // Responses are JSON for API clients, never HTML: keep quotes and non-ASCII readable.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });

    public Utf8JsonWriter Writer { get; }

    /// <summary>
    /// Length of the JSON at the start of a binary-extension response (the
    /// <c>Inference-Header-Content-Length</c> to send), or -1 for a plain JSON response.
    /// </summary>
    public long HeaderLength { get; private set; } = -1;

    /// <summary>Ends the JSON: whatever is appended from now on is the binary data after it.</summary>
    public void StartBinaryTail()
    {
        Writer.Flush();
        HeaderLength = _buffer.WrittenCount;
    }

    /// <summary>Appends one output's bytes to the binary data (after <see cref="StartBinaryTail"/>).</summary>
    public void AppendBinary(ReadOnlySpan<byte> data) => _buffer.Write(data);

    /// <summary>Set by a protocol that does not answer in JSON (gRPC): it receives the outputs instead of <see cref="Writer"/>.</summary>
    public IOutputSink? Sink { get; set; }

    public ReadOnlyMemory<byte> Written
    {
        get
        {
            Writer.Flush();
            return _buffer.WrittenMemory;
        }
    }

    private void Reset()
    {
        HeaderLength = -1;
        // A rare huge response should not pin its buffer in the pool forever.
        if (_buffer.Capacity > MaxRetainedBytes)
        {
            _buffer = new ArrayBufferWriter<byte>(4096);
        }
        else
        {
            _buffer.ResetWrittenCount();
        }

        Writer.Reset(_buffer);
        Sink = null;
    }

    private sealed class Policy : PooledObjectPolicy<ResponseBuffer>
    {
        public override ResponseBuffer Create() => new();

        public override bool Return(ResponseBuffer obj)
        {
            obj.Reset();
            return true;
        }
    }
}
