using Microsoft.ML.OnnxRuntime;
using Ort = Microsoft.ML.OnnxRuntime;

namespace ModelOperator.Runtime.Onnx;

/// <summary>
/// A loaded ONNX model. <see cref="Run"/> is safe to call from many threads at once and, after
/// warm-up, allocates nothing on the managed heap but the small <see cref="RunResult"/> while the
/// input shapes stay the same (see README: each run's state binds inputs and outputs once).
/// </summary>
public sealed class InferenceSession : IDisposable
{
    private readonly Ort.InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly RunStatePool _pool;
    private readonly TensorMetadata[] _inputs;
    private readonly TensorMetadata[] _outputs;
    private int _users = 1; // the owner's reference plus one per run in progress or result not yet disposed
    private int _disposeCalled;

    private InferenceSession(Ort.InferenceSession session, TensorMetadata[] inputs, TensorMetadata[] outputs)
    {
        _session = session;
        _inputs = inputs;
        _outputs = outputs;
        Inputs = Array.AsReadOnly(inputs);
        Outputs = Array.AsReadOnly(outputs);
        _pool = new RunStatePool(() => new RunState(session, inputs, outputs), Math.Max(4, Environment.ProcessorCount * 2));
    }

    /// <summary>The model's inputs, in model order (an <see cref="InputTensor.InputIndex"/> indexes this list).</summary>
    public IReadOnlyList<TensorMetadata> Inputs { get; }

    /// <summary>The model's outputs, in model order.</summary>
    public IReadOnlyList<TensorMetadata> Outputs { get; }

    /// <summary>
    /// Set once a run showed that this model's output shapes are not determined by its input shapes;
    /// from then on outputs are always allocated by ONNX Runtime.
    /// </summary>
    internal bool OutputShapesVary { get; set; }

    /// <summary>Loads a model file.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="modelPath"/>.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load the model (its message says why).</exception>
    /// <exception cref="UnsupportedModelException">An input or output has an unsupported type.</exception>
    public static InferenceSession Load(OnnxRuntimeEnvironment env, string modelPath, OnnxSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"ONNX model file not found: {modelPath}", modelPath);
        }

        var fullPath = Path.GetFullPath(modelPath);
        return Create(env, options, so => new Ort.InferenceSession(fullPath, so));
    }

    /// <summary>
    /// Loads a model from its serialized bytes: exactly these bytes are what ONNX Runtime parses, so a
    /// checksum verified on them holds for the model that runs.
    /// </summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load the model (its message says why).</exception>
    /// <exception cref="UnsupportedModelException">An input or output has an unsupported type.</exception>
    public static InferenceSession Load(OnnxRuntimeEnvironment env, byte[] model, OnnxSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Load(env, model.AsMemory(), options);
    }

    /// <inheritdoc cref="Load(OnnxRuntimeEnvironment, byte[], OnnxSessionOptions?)"/>
    public static InferenceSession Load(OnnxRuntimeEnvironment env, ReadOnlyMemory<byte> model, OnnxSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (model.IsEmpty)
        {
            throw new ArgumentException("The model is empty (0 bytes); pass the bytes of an .onnx file.", nameof(model));
        }

        // The package takes a whole array; an array-backed memory that covers its array is passed as is.
        var bytes = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(model, out var segment)
                    && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : model.ToArray();
        return Create(env, options, so => new Ort.InferenceSession(bytes, so));
    }

    /// <summary>Index of the input named <paramref name="name"/>, or -1.</summary>
    public int InputIndexOf(string name) => Array.FindIndex(_inputs, t => t.Name == name);

    /// <summary>Index of the output named <paramref name="name"/>, or -1.</summary>
    public int OutputIndexOf(string name) => Array.FindIndex(_outputs, t => t.Name == name);

    /// <summary>
    /// Runs the model. <paramref name="inputs"/> must give every model input once, in any order.
    /// <paramref name="outputIndices"/> selects outputs (by index into <see cref="Outputs"/>);
    /// empty means all outputs, in model order. Dispose the result.
    /// </summary>
    /// <exception cref="ArgumentException">An input or output index, type, shape or data length is wrong; the message says which and what the model expects.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime reported an error while running.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public RunResult Run(ReadOnlySpan<InputTensor> inputs, ReadOnlySpan<int> outputIndices = default)
    {
        if (Volatile.Read(ref _disposeCalled) != 0 || !TryEnter())
        {
            throw new ObjectDisposedException(nameof(InferenceSession));
        }

        var state = _pool.Rent();
        try
        {
            InputValidator.ValidateInputs(Inputs, inputs, state.InputSeen);
            if (!outputIndices.IsEmpty)
            {
                InputValidator.ValidateOutputs(Outputs, outputIndices, state.OutputSeen);
            }

            state.Execute(this, _session, _runOptions, inputs, outputIndices);
            return new RunResult(state, this);
        }
        catch
        {
            Release(state);
            throw;
        }
    }

    /// <summary>Releases the session once no run and no result is using it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeCalled, 1) == 0)
        {
            Exit();
        }
    }

    /// <summary>Takes back a run's state (its outputs released) and drops the run's reference.</summary>
    internal void Release(RunState state)
    {
        state.ReleaseOutputs();
        _pool.Return(state);
        Exit();
    }

    private bool TryEnter()
    {
        while (true)
        {
            var users = Volatile.Read(ref _users);
            if (users == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _users, users + 1, users) == users)
            {
                return true;
            }
        }
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _users) == 0)
        {
            _pool.Close();
            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    private static InferenceSession Create(OnnxRuntimeEnvironment env, OnnxSessionOptions? options, Func<SessionOptions, Ort.InferenceSession> load)
    {
        options ??= new OnnxSessionOptions();
        options.Validate();
        env.ThrowIfDisposed();
        Ort.InferenceSession session;
        using (var sessionOptions = CreateSessionOptions(options))
        {
            try
            {
                session = load(sessionOptions);
            }
            catch (Ort.OnnxRuntimeException e)
            {
                throw OnnxRuntimeException.FromPackage(e);
            }
        }

        try
        {
            var problems = new List<string>();
            var inputs = session.InputNames.Select(n => ReadTensorType(session.InputMetadata[n], "input", n, problems)).ToArray();
            var outputs = session.OutputNames.Select(n => ReadTensorType(session.OutputMetadata[n], "output", n, problems)).ToArray();
            if (problems.Count > 0)
            {
                throw new UnsupportedModelException(
                    $"The model is not supported: {string.Join("; ", problems)}. Supported: tensors of {TensorElementTypes.SupportedList}.");
            }

            return new InferenceSession(session, inputs, outputs);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static SessionOptions CreateSessionOptions(OnnxSessionOptions options)
    {
        var so = new SessionOptions();
        try
        {
            so.IntraOpNumThreads = options.IntraOpThreads;
            so.InterOpNumThreads = 1;
            so.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
            so.GraphOptimizationLevel = (Ort.GraphOptimizationLevel)(int)options.OptimizationLevel;
            var spin = options.AllowSpinning ? "1" : "0";
            so.AddSessionConfigEntry("session.intra_op.allow_spinning", spin);
            so.AddSessionConfigEntry("session.inter_op.allow_spinning", spin);
            return so;
        }
        catch (Ort.OnnxRuntimeException e)
        {
            so.Dispose();
            throw OnnxRuntimeException.FromPackage(e);
        }
    }

    /// <summary>Our view of one input or output; records a problem if it is not a supported tensor.</summary>
    private static TensorMetadata ReadTensorType(NodeMetadata meta, string kind, string name, List<string> problems)
    {
        if (meta.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            problems.Add($"{kind} '{name}' is a {OnnxTypeName(meta.OnnxValueType)}, not a tensor");
            return new TensorMetadata(name, default, []);
        }

        var elementType = (int)meta.ElementDataType;
        // Symbolic and unknown dimensions come back as -1 (or less); report them as -1.
        var dims = meta.Dimensions.Select(d => d < 0 ? -1L : d).ToArray();
        if (!TensorElementTypes.IsSupported(elementType))
        {
            problems.Add($"{kind} '{name}' has element type {TensorElementTypes.OnnxTypeName(elementType)}");
        }

        return new TensorMetadata(name, (TensorElementType)elementType, Array.AsReadOnly(dims));
    }

    private static string OnnxTypeName(OnnxValueType type) => type switch
    {
        OnnxValueType.ONNX_TYPE_SEQUENCE => "sequence",
        OnnxValueType.ONNX_TYPE_MAP => "map",
        OnnxValueType.ONNX_TYPE_OPAQUE => "opaque value",
        OnnxValueType.ONNX_TYPE_SPARSETENSOR => "sparse tensor",
        OnnxValueType.ONNX_TYPE_OPTIONAL => "optional",
        _ => $"value of ONNX type {(int)type}",
    };
}
