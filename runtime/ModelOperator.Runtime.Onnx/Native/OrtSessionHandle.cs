using System.Runtime.InteropServices;

namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>
/// An <c>OrtSession*</c> together with what must live exactly as long as it: the native arrays of
/// input and output name pointers passed to every Run (the names were allocated by ONNX Runtime's
/// default allocator and are freed with it), and references on the environment and memory info.
/// </summary>
internal sealed unsafe class OrtSessionHandle : OrtHandle
{
    private readonly OrtEnvHandle _env;
    private readonly OrtMemoryInfoHandle _memoryInfo;
    private bool _envAddRef;
    private bool _memoryInfoAddRef;

    public OrtSessionHandle(OrtApi api, nint session, OrtEnvHandle env, OrtMemoryInfoHandle memoryInfo)
        : base(api, session)
    {
        _env = env;
        _memoryInfo = memoryInfo;
        env.DangerousAddRef(ref _envAddRef);
        memoryInfo.DangerousAddRef(ref _memoryInfoAddRef);
        MemoryInfo = memoryInfo.DangerousGetHandle();
    }

    /// <summary>The CPU <c>OrtMemoryInfo*</c> input tensors are created with.</summary>
    public nint MemoryInfo { get; }

    /// <summary><c>const char*[InputCount]</c>, in model order; set once by the session loader.</summary>
    public nint* InputNames { get; private set; }

    /// <summary><c>const char*[OutputCount]</c>, in model order.</summary>
    public nint* OutputNames { get; private set; }

    public int InputCount { get; private set; }

    public int OutputCount { get; private set; }

    public void AllocateNameArrays(int inputCount, int outputCount)
    {
        InputCount = inputCount;
        OutputCount = outputCount;
        InputNames = (nint*)NativeMemory.AllocZeroed((nuint)Math.Max(inputCount, 1), (nuint)sizeof(nint));
        OutputNames = (nint*)NativeMemory.AllocZeroed((nuint)Math.Max(outputCount, 1), (nuint)sizeof(nint));
    }

    protected override bool ReleaseHandle()
    {
        Api.ReleaseSession(handle);
        nint allocator;
        var status = Api.GetAllocatorWithDefaultOptions(&allocator);
        if (status != 0)
        {
            Api.ReleaseStatus(status);
            allocator = 0;
        }

        FreeNames(InputNames, InputCount, allocator);
        FreeNames(OutputNames, OutputCount, allocator);
        if (_memoryInfoAddRef)
        {
            _memoryInfo.DangerousRelease();
        }

        if (_envAddRef)
        {
            _env.DangerousRelease();
        }

        return true;
    }

    private void FreeNames(nint* names, int count, nint allocator)
    {
        if (names == null)
        {
            return;
        }

        for (var i = 0; i < count && allocator != 0; i++)
        {
            if (names[i] != 0)
            {
                var status = Api.AllocatorFree(allocator, (void*)names[i]);
                if (status != 0)
                {
                    Api.ReleaseStatus(status);
                }
            }
        }

        NativeMemory.Free(names);
    }
}
