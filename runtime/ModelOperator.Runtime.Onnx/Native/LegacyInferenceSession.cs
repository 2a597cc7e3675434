using System.Runtime.InteropServices;
using System.Text;

namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>
/// A loaded ONNX model. <see cref="Run"/> is safe to call from many threads at once and, after
/// warm-up, allocates nothing on the managed heap but the small <see cref="LegacyRunResult"/>.
/// </summary>
internal sealed unsafe class LegacyInferenceSession : IDisposable
{
    private readonly OrtSessionHandle _handle;
    private readonly OrtApi _api;
    private readonly RunBuffersPool _pool;
    private readonly TensorMetadata[] _inputs;
    private readonly TensorMetadata[] _outputs;

    private LegacyInferenceSession(OrtSessionHandle handle, TensorMetadata[] inputs, TensorMetadata[] outputs)
    {
        _handle = handle;
        _api = handle.Api;
        _inputs = inputs;
        _outputs = outputs;
        Inputs = Array.AsReadOnly(inputs);
        Outputs = Array.AsReadOnly(outputs);
        _pool = new RunBuffersPool(_api, inputs.Length, outputs.Length, Math.Max(4, Environment.ProcessorCount * 2));
    }

    /// <summary>The model's inputs, in model order (an <see cref="InputTensor.InputIndex"/> indexes this list).</summary>
    public IReadOnlyList<TensorMetadata> Inputs { get; }

    /// <summary>The model's outputs, in model order.</summary>
    public IReadOnlyList<TensorMetadata> Outputs { get; }

    /// <summary>Loads a model file.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="modelPath"/>.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load the model (its message says why).</exception>
    /// <exception cref="UnsupportedModelException">An input or output has an unsupported type.</exception>
    public static LegacyInferenceSession Load(LegacyOrtEnvironment env, string modelPath, OnnxSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"ONNX model file not found: {modelPath}", modelPath);
        }

        var path = Encoding.UTF8.GetBytes(Path.GetFullPath(modelPath) + "\0");
        return Create(env, options, path, isPath: true);
    }

    /// <summary>Loads a model from its serialized bytes.</summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime could not load the model (its message says why).</exception>
    /// <exception cref="UnsupportedModelException">An input or output has an unsupported type.</exception>
    public static LegacyInferenceSession Load(LegacyOrtEnvironment env, ReadOnlySpan<byte> model, OnnxSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (model.IsEmpty)
        {
            throw new ArgumentException("The model is empty (0 bytes); pass the bytes of an .onnx file.", nameof(model));
        }

        return Create(env, options, model, isPath: false);
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
    public LegacyRunResult Run(ReadOnlySpan<InputTensor> inputs, ReadOnlySpan<int> outputIndices = default)
    {
        var addRef = false;
        _handle.DangerousAddRef(ref addRef);
        var b = _pool.Rent();
        try
        {
            InputValidator.ValidateInputs(Inputs, inputs, b.InputSeen);
            SelectOutputs(outputIndices, b);
            RunNative(inputs, b);
            return new LegacyRunResult(b, _pool);
        }
        catch
        {
            b.ReleaseOutputs();
            _pool.Return(b);
            throw;
        }
        finally
        {
            if (addRef)
            {
                _handle.DangerousRelease();
            }
        }
    }

    /// <summary>Releases the session once no run is using it.</summary>
    public void Dispose() => _handle.Dispose();

    private void SelectOutputs(ReadOnlySpan<int> outputIndices, RunBuffers b)
    {
        if (outputIndices.IsEmpty)
        {
            for (var i = 0; i < _outputs.Length; i++)
            {
                b.OutputIndices[i] = i;
                b.OutputNames[i] = _handle.OutputNames[i];
            }

            b.Count = _outputs.Length;
            return;
        }

        InputValidator.ValidateOutputs(Outputs, outputIndices, b.OutputSeen);
        for (var i = 0; i < outputIndices.Length; i++)
        {
            b.OutputIndices[i] = outputIndices[i];
            b.OutputNames[i] = _handle.OutputNames[outputIndices[i]];
        }

        b.Count = outputIndices.Length;
    }

    private void RunNative(ReadOnlySpan<InputTensor> inputs, RunBuffers b)
    {
        var api = _api;
        long emptyData = 0; // stands in for the data pointer of a zero-element tensor
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                ref readonly var t = ref inputs[i];
                b.Pins[i] = t.Data.Pin();
                var data = b.Pins[i].Pointer;
                if (data == null)
                {
                    data = &emptyData;
                }

                nint value;
                nint status;
                fixed (long* shape = t.Shape.Span)
                {
                    status = api.CreateTensorWithDataAsOrtValue(
                        _handle.MemoryInfo, data, (nuint)t.Data.Length, shape, (nuint)t.Shape.Length, (int)t.ElementType, &value);
                }

                api.Check(status);
                b.InputValues[i] = value;
                b.InputNames[i] = _handle.InputNames[t.InputIndex];
            }

            nint runStatus;
            fixed (nint* inNames = b.InputNames, inValues = b.InputValues, outNames = b.OutputNames, outValues = b.OutputValues)
            {
                runStatus = api.Run(_handle.DangerousGetHandle(), 0, inNames, inValues, (nuint)inputs.Length, outNames, (nuint)b.Count, outValues);
            }

            api.Check(runStatus);
            ReadOutputs(b);
        }
        finally
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var v = b.InputValues[i];
                if (v != 0)
                {
                    b.InputValues[i] = 0;
                    api.ReleaseValue(v);
                }

                b.Pins[i].Dispose();
                b.Pins[i] = default;
            }
        }
    }

    private void ReadOutputs(RunBuffers b)
    {
        var api = _api;
        var offset = 0;
        for (var i = 0; i < b.Count; i++)
        {
            var value = b.OutputValues[i];
            nint info;
            api.Check(api.GetTensorTypeAndShape(value, &info));
            int type;
            nuint rank;
            try
            {
                api.Check(api.GetTensorElementType(info, &type));
                api.Check(api.GetDimensionsCount(info, &rank));
                b.EnsureShapeCapacity(offset + (int)rank);
                fixed (long* dims = b.Shapes)
                {
                    api.Check(api.GetDimensions(info, dims + offset, rank));
                }
            }
            finally
            {
                api.ReleaseTensorTypeAndShapeInfo(info);
            }

            long count = 1;
            for (var d = 0; d < (int)rank; d++)
            {
                count *= b.Shapes[offset + d];
            }

            void* data = null;
            if (count > 0)
            {
                api.Check(api.GetTensorMutableData(value, &data));
            }

            b.Types[i] = (TensorElementType)type;
            b.Data[i] = (nint)data;
            b.ElementCounts[i] = count;
            b.ShapeOffsets[i] = offset;
            offset += (int)rank;
            b.ShapeOffsets[i + 1] = offset;
        }
    }

    private static LegacyInferenceSession Create(LegacyOrtEnvironment env, OnnxSessionOptions? options, ReadOnlySpan<byte> pathOrModel, bool isPath)
    {
        options ??= new OnnxSessionOptions();
        options.Validate();
        env.ThrowIfDisposed();
        var api = env.Api;
        var envAddRef = false;
        env.EnvHandle.DangerousAddRef(ref envAddRef);
        try
        {
            using var sessionOptions = CreateSessionOptions(api, options);
            nint session;
            nint status;
            fixed (byte* p = pathOrModel)
            {
                status = isPath
                    ? api.CreateSession(env.EnvHandle.DangerousGetHandle(), p, sessionOptions.DangerousGetHandle(), &session)
                    : api.CreateSessionFromArray(env.EnvHandle.DangerousGetHandle(), p, (nuint)pathOrModel.Length, sessionOptions.DangerousGetHandle(), &session);
            }

            api.Check(status);
            var handle = new OrtSessionHandle(api, session, env.EnvHandle, env.CpuMemory);
            try
            {
                var (inputs, outputs) = ReadMetadata(api, handle);
                return new LegacyInferenceSession(handle, inputs, outputs);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
        finally
        {
            if (envAddRef)
            {
                env.EnvHandle.DangerousRelease();
            }
        }
    }

    private static OrtSessionOptionsHandle CreateSessionOptions(OrtApi api, OnnxSessionOptions options)
    {
        nint so;
        api.Check(api.CreateSessionOptions(&so));
        var handle = new OrtSessionOptionsHandle(api, so);
        try
        {
            api.Check(api.SetIntraOpNumThreads(so, options.IntraOpThreads));
            api.Check(api.SetInterOpNumThreads(so, 1));
            api.Check(api.SetSessionGraphOptimizationLevel(so, (int)options.OptimizationLevel));
            var spin = options.AllowSpinning ? "1" : "0";
            AddConfigEntry(api, so, "session.intra_op.allow_spinning", spin);
            AddConfigEntry(api, so, "session.inter_op.allow_spinning", spin);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void AddConfigEntry(OrtApi api, nint options, string key, string value)
    {
        var k = Encoding.UTF8.GetBytes(key + "\0");
        var v = Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* kp = k, vp = v)
        {
            api.Check(api.AddSessionConfigEntry(options, kp, vp));
        }
    }

    private static (TensorMetadata[] Inputs, TensorMetadata[] Outputs) ReadMetadata(OrtApi api, OrtSessionHandle handle)
    {
        var session = handle.DangerousGetHandle();
        nuint inputCount, outputCount;
        api.Check(api.SessionGetInputCount(session, &inputCount));
        api.Check(api.SessionGetOutputCount(session, &outputCount));
        handle.AllocateNameArrays((int)inputCount, (int)outputCount);
        nint allocator;
        api.Check(api.GetAllocatorWithDefaultOptions(&allocator));

        var problems = new List<string>();
        var inputs = new TensorMetadata[(int)inputCount];
        for (var i = 0; i < inputs.Length; i++)
        {
            byte* name;
            api.Check(api.SessionGetInputName(session, (nuint)i, allocator, &name));
            handle.InputNames[i] = (nint)name;
            nint typeInfo;
            api.Check(api.SessionGetInputTypeInfo(session, (nuint)i, &typeInfo));
            inputs[i] = ReadTensorType(api, typeInfo, "input", Marshal.PtrToStringUTF8((nint)name) ?? string.Empty, problems);
        }

        var outputs = new TensorMetadata[(int)outputCount];
        for (var i = 0; i < outputs.Length; i++)
        {
            byte* name;
            api.Check(api.SessionGetOutputName(session, (nuint)i, allocator, &name));
            handle.OutputNames[i] = (nint)name;
            nint typeInfo;
            api.Check(api.SessionGetOutputTypeInfo(session, (nuint)i, &typeInfo));
            outputs[i] = ReadTensorType(api, typeInfo, "output", Marshal.PtrToStringUTF8((nint)name) ?? string.Empty, problems);
        }

        if (problems.Count > 0)
        {
            throw new UnsupportedModelException(
                $"The model is not supported: {string.Join("; ", problems)}. Supported: tensors of {TensorElementTypes.SupportedList}.");
        }

        return (inputs, outputs);
    }

    /// <summary>Reads and releases <paramref name="typeInfo"/>; records a problem if it is not a supported tensor.</summary>
    private static TensorMetadata ReadTensorType(OrtApi api, nint typeInfo, string kind, string name, List<string> problems)
    {
        try
        {
            nint tensorInfo;
            api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
            if (tensorInfo == 0)
            {
                int onnxType;
                api.Check(api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
                problems.Add($"{kind} '{name}' is a {OnnxTypeName(onnxType)}, not a tensor");
                return new TensorMetadata(name, default, []);
            }

            int elementType;
            nuint rank;
            api.Check(api.GetTensorElementType(tensorInfo, &elementType));
            api.Check(api.GetDimensionsCount(tensorInfo, &rank));
            var dims = new long[(int)rank];
            fixed (long* d = dims)
            {
                api.Check(api.GetDimensions(tensorInfo, d, rank));
            }

            for (var i = 0; i < dims.Length; i++)
            {
                // Symbolic and unknown dimensions come back as -1 (or less); report them as -1.
                if (dims[i] < 0)
                {
                    dims[i] = -1;
                }
            }

            if (!TensorElementTypes.IsSupported(elementType))
            {
                problems.Add($"{kind} '{name}' has element type {TensorElementTypes.OnnxTypeName(elementType)}");
            }

            return new TensorMetadata(name, (TensorElementType)elementType, Array.AsReadOnly(dims));
        }
        finally
        {
            api.ReleaseTypeInfo(typeInfo); // CastTypeInfoToTensorInfo's result belongs to typeInfo
        }
    }

    private static string OnnxTypeName(int onnxType) => onnxType switch
    {
        1 => "tensor",
        2 => "sequence",
        3 => "map",
        4 => "opaque value",
        5 => "sparse tensor",
        6 => "optional",
        _ => $"value of ONNX type {onnxType}",
    };
}
