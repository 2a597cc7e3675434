using System.Buffers;
using ModelOperator.Runtime.Server.Grpc.Protocol;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// One request chosen for mirroring: the plan it was chosen under, its body as parsed (decoded when it came compressed)
/// with its binary data extension's header length, and (once answered) the stable answer with its own. Both byte copies live in rented buffers that <see cref="Return"/> gives back after the send; a copy
/// that is never offered (the request failed) is simply collected, the pool does not need them back.
/// </summary>
internal sealed class MirrorCopy
{
    private byte[] _body;
    private int _bodyLength;
    private byte[] _answer = [];
    private int _answerLength;

    private MirrorCopy(MirrorPlan plan, byte[] body, int bodyLength, long bodyHeaderLength)
    {
        Plan = plan;
        _body = body;
        _bodyLength = bodyLength;
        BodyHeaderLength = bodyHeaderLength;
    }

    public MirrorPlan Plan { get; }

    /// <summary>A gRPC call's request, when the copy came over gRPC: the sender writes the JSON body from it.</summary>
    public ModelInferRequest? GrpcRequest { get; private init; }

    /// <summary>A gRPC call's answer, when the copy came over gRPC: compared instead of <see cref="StableAnswer"/>.</summary>
    public ModelInferResponse? GrpcAnswer { get; private init; }

    /// <summary>The request body as this server parsed it (uncompressed), forwarded to the candidate as is.</summary>
    public ArraySegment<byte> Body => new(_body, 0, _bodyLength);

    /// <summary>
    /// The bytes of JSON at the start of <see cref="Body"/> when the request came in the binary data extension (its
    /// <c>Inference-Header-Content-Length</c>, which the candidate needs to read it), or -1 for a JSON request.
    /// </summary>
    public long BodyHeaderLength { get; }

    /// <summary>This server's answer to the request.</summary>
    public ReadOnlySpan<byte> StableAnswer => _answer.AsSpan(0, _answerLength);

    /// <summary>The bytes of JSON at the start of <see cref="StableAnswer"/> when it is in the binary data extension, or -1.</summary>
    public long StableAnswerHeaderLength { get; private set; } = -1;

    /// <summary>A copy of <paramref name="body"/> (with the header length it was parsed with, -1 for JSON) in a rented buffer.</summary>
    public static MirrorCopy Rent(MirrorPlan plan, in ReadOnlySequence<byte> body, long headerLength)
    {
        var length = checked((int)body.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
        body.CopyTo(buffer);
        return new MirrorCopy(plan, buffer, length, headerLength);
    }

    /// <summary>A copy of a gRPC call: references to its messages, which nothing changes after the call.</summary>
    public static MirrorCopy FromGrpc(MirrorPlan plan, ModelInferRequest request, ModelInferResponse response) =>
        new(plan, [], 0, -1) { GrpcRequest = request, GrpcAnswer = response };

    /// <summary>
    /// Keeps a copy of this server's answer and its header length (-1 for JSON; the caller's buffer goes back to its
    /// pool when the request ends).
    /// </summary>
    public void KeepAnswer(ReadOnlySpan<byte> answer, long headerLength)
    {
        _answer = ArrayPool<byte>.Shared.Rent(Math.Max(1, answer.Length));
        answer.CopyTo(_answer);
        _answerLength = answer.Length;
        StableAnswerHeaderLength = headerLength;
    }

    /// <summary>Gives both buffers back; the copy is not used again.</summary>
    public void Return()
    {
        if (_body.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_body);
        }

        if (_answer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_answer);
        }

        (_body, _bodyLength, _answer, _answerLength) = ([], 0, [], 0);
    }
}
