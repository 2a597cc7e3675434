using System.Text.Json;
using Microsoft.Extensions.ObjectPool;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Protocol;

namespace ModelOperator.Runtime.Server.Models;

/// <summary>
/// A model that is loaded, verified and warmed: its session, its protocol signature and the
/// per-request objects that are pooled so that serving a request allocates as little as possible.
/// </summary>
internal sealed class LoadedModel : IDisposable
{
    private readonly ObjectPool<InferenceRequest> _requests;

    public LoadedModel(InferenceSession session, string name, string version, string sha256, long maxRequestBytes, Func<ModelSignature, Drift.PredictionRecorder?> predictions)
    {
        Session = session;
        Name = name;
        Version = version;
        Sha256 = sha256;
        MaxRequestBytes = maxRequestBytes;
        Signature = SignatureOf(session);
        EncodedName = JsonEncodedText.Encode(name);
        EncodedVersion = JsonEncodedText.Encode(version);
        EncodedOutputNames = Signature.Outputs.Select(o => JsonEncodedText.Encode(o.Name)).ToArray();
        Predictions = predictions(Signature);
        _requests = new DefaultObjectPool<InferenceRequest>(new RequestPolicy(Signature), Environment.ProcessorCount * 8);
    }

    public InferenceSession Session { get; }

    public string Name { get; }

    public string Version { get; }

    public string Sha256 { get; }

    public ModelSignature Signature { get; }

    public long MaxRequestBytes { get; }

    /// <summary>Prediction histogram and, with a reference profile, drift; null for models whose tensors are not tabular.</summary>
    public Drift.PredictionRecorder? Predictions { get; }

    public JsonEncodedText EncodedName { get; }

    public JsonEncodedText EncodedVersion { get; }

    public IReadOnlyList<JsonEncodedText> EncodedOutputNames { get; }

    public InferenceRequest RentRequest() => _requests.Get();

    public void ReturnRequest(InferenceRequest request) => _requests.Return(request);

    /// <summary>The dynamic batcher, when MAX_BATCH_SIZE asks for one and the model's tensors allow it.</summary>
    public Inference.DynamicBatcher? Batcher { get; set; }

    public void Dispose()
    {
        Batcher?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Session.Dispose();
    }

    /// <summary>
    /// The default body limit: room for 4096 rows of every input at a generous 32 bytes of
    /// JSON per element, plus 64 KiB for the envelope; never below 1 MiB.
    /// </summary>
    public static long DefaultMaxRequestBytes(IReadOnlyList<TensorMetadata> inputs)
    {
        const long rows = 4096;
        const long bytesPerElement = 32;
        long perRow = 0;
        foreach (var input in inputs)
        {
            long elements = 1;
            for (var d = 1; d < input.Shape.Count; d++)
            {
                elements *= Math.Max(1, input.Shape[d]);
            }

            perRow += elements;
        }

        return Math.Max(1L << 20, (64 * 1024) + (rows * perRow * bytesPerElement));
    }

    // The protocol's datatype table owns the mapping; the binding's element types are ONNX's numbers.
    public static DataType ToDataType(TensorElementType type) =>
        DataTypes.FromOnnxElementType((int)type) ?? throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported element type");

    public static TensorElementType ToElementType(DataType type) => (TensorElementType)DataTypes.OnnxElementType(type);

    /// <summary>The protocol's view of a session's inputs and outputs.</summary>
    public static ModelSignature SignatureOf(InferenceSession session) =>
        new(session.Inputs.Select(ToSignature).ToArray(), session.Outputs.Select(ToSignature).ToArray());

    private static TensorSignature ToSignature(TensorMetadata metadata) =>
        new(metadata.Name, ToDataType(metadata.ElementType), metadata.Shape);

    private sealed class RequestPolicy(ModelSignature signature) : PooledObjectPolicy<InferenceRequest>
    {
        public override InferenceRequest Create() => new(signature);

        public override bool Return(InferenceRequest obj)
        {
            obj.Reset();
            return true;
        }
    }
}
