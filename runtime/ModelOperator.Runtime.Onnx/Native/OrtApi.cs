using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>
/// The functions of ONNX Runtime's C API that the binding uses, read from the <c>OrtApi</c>
/// struct by slot. <c>OrtApi</c> is a struct of function pointers that only ever grows at the end,
/// so a slot's position is fixed. Slots are 0-based positions in
/// <c>include/onnxruntime/core/session/onnxruntime_c_api.h</c>; each was checked against it.
/// Every function returning <c>OrtStatus*</c> returns null on success.
/// </summary>
internal sealed unsafe class OrtApi
{
    /// <summary>The API version requested from <c>OrtApiBase::GetApi</c> (ONNX Runtime 1.23 or later).</summary>
    public const uint ApiVersion = 23;

    // Slot numbers (0-based) in struct OrtApi.
    internal const int SlotGetErrorCode = 1;
    internal const int SlotGetErrorMessage = 2;
    internal const int SlotCreateEnv = 3;
    internal const int SlotCreateSession = 7;
    internal const int SlotCreateSessionFromArray = 8;
    internal const int SlotRun = 9;
    internal const int SlotCreateSessionOptions = 10;
    internal const int SlotSetSessionGraphOptimizationLevel = 23;
    internal const int SlotSetIntraOpNumThreads = 24;
    internal const int SlotSetInterOpNumThreads = 25;
    internal const int SlotSessionGetInputCount = 30;
    internal const int SlotSessionGetOutputCount = 31;
    internal const int SlotSessionGetInputTypeInfo = 33;
    internal const int SlotSessionGetOutputTypeInfo = 34;
    internal const int SlotSessionGetInputName = 36;
    internal const int SlotSessionGetOutputName = 37;
    internal const int SlotCreateTensorWithDataAsOrtValue = 49;
    internal const int SlotGetTensorMutableData = 51;
    internal const int SlotCastTypeInfoToTensorInfo = 55;
    internal const int SlotGetOnnxTypeFromTypeInfo = 56;
    internal const int SlotGetTensorElementType = 60;
    internal const int SlotGetDimensionsCount = 61;
    internal const int SlotGetDimensions = 62;
    internal const int SlotGetTensorTypeAndShape = 65;
    internal const int SlotCreateCpuMemoryInfo = 69;
    internal const int SlotAllocatorFree = 76;
    internal const int SlotGetAllocatorWithDefaultOptions = 78;
    internal const int SlotReleaseEnv = 92;
    internal const int SlotReleaseStatus = 93;
    internal const int SlotReleaseMemoryInfo = 94;
    internal const int SlotReleaseSession = 95;
    internal const int SlotReleaseValue = 96;
    internal const int SlotReleaseTypeInfo = 98;
    internal const int SlotReleaseTensorTypeAndShapeInfo = 99;
    internal const int SlotReleaseSessionOptions = 100;
    internal const int SlotAddSessionConfigEntry = 130;

    // OrtErrorCode ORT_API_CALL GetErrorCode(const OrtStatus*)
    public readonly delegate* unmanaged[Cdecl]<nint, int> GetErrorCode;
    // const char* GetErrorMessage(const OrtStatus*)
    public readonly delegate* unmanaged[Cdecl]<nint, byte*> GetErrorMessage;
    // CreateEnv(OrtLoggingLevel, const char* logid, OrtEnv** out)
    public readonly delegate* unmanaged[Cdecl]<int, byte*, nint*, nint> CreateEnv;
    // CreateSession(const OrtEnv*, const ORTCHAR_T* path, const OrtSessionOptions*, OrtSession** out)
    public readonly delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint> CreateSession;
    // CreateSessionFromArray(const OrtEnv*, const void* data, size_t length, const OrtSessionOptions*, OrtSession** out)
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nuint, nint, nint*, nint> CreateSessionFromArray;
    // Run(OrtSession*, const OrtRunOptions*, const char* const* input_names, const OrtValue* const* inputs, size_t input_len,
    //     const char* const* output_names, size_t output_names_len, OrtValue** outputs)
    public readonly delegate* unmanaged[Cdecl]<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint> Run;
    // CreateSessionOptions(OrtSessionOptions** out)
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> CreateSessionOptions;
    // SetSessionGraphOptimizationLevel(OrtSessionOptions*, GraphOptimizationLevel)
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetSessionGraphOptimizationLevel;
    // SetIntraOpNumThreads(OrtSessionOptions*, int)
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetIntraOpNumThreads;
    // SetInterOpNumThreads(OrtSessionOptions*, int)
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetInterOpNumThreads;
    // SessionGetInputCount / SessionGetOutputCount(const OrtSession*, size_t* out)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetInputCount;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetOutputCount;
    // SessionGetInputTypeInfo / SessionGetOutputTypeInfo(const OrtSession*, size_t index, OrtTypeInfo** out)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetInputTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetOutputTypeInfo;
    // SessionGetInputName / SessionGetOutputName(const OrtSession*, size_t index, OrtAllocator*, char** value)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetInputName;
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetOutputName;
    // CreateTensorWithDataAsOrtValue(const OrtMemoryInfo*, void* data, size_t data_len, const int64_t* shape, size_t shape_len,
    //                                ONNXTensorElementDataType, OrtValue** out)
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint> CreateTensorWithDataAsOrtValue;
    // GetTensorMutableData(OrtValue*, void** out)
    public readonly delegate* unmanaged[Cdecl]<nint, void**, nint> GetTensorMutableData;
    // CastTypeInfoToTensorInfo(const OrtTypeInfo*, const OrtTensorTypeAndShapeInfo** out): out is null for non-tensors
    public readonly delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToTensorInfo;
    // GetOnnxTypeFromTypeInfo(const OrtTypeInfo*, ONNXType* out)
    public readonly delegate* unmanaged[Cdecl]<nint, int*, nint> GetOnnxTypeFromTypeInfo;
    // GetTensorElementType(const OrtTensorTypeAndShapeInfo*, ONNXTensorElementDataType* out)
    public readonly delegate* unmanaged[Cdecl]<nint, int*, nint> GetTensorElementType;
    // GetDimensionsCount(const OrtTensorTypeAndShapeInfo*, size_t* out)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetDimensionsCount;
    // GetDimensions(const OrtTensorTypeAndShapeInfo*, int64_t* dims, size_t dims_len)
    public readonly delegate* unmanaged[Cdecl]<nint, long*, nuint, nint> GetDimensions;
    // GetTensorTypeAndShape(const OrtValue*, OrtTensorTypeAndShapeInfo** out)
    public readonly delegate* unmanaged[Cdecl]<nint, nint*, nint> GetTensorTypeAndShape;
    // CreateCpuMemoryInfo(OrtAllocatorType, OrtMemType, OrtMemoryInfo** out)
    public readonly delegate* unmanaged[Cdecl]<int, int, nint*, nint> CreateCpuMemoryInfo;
    // AllocatorFree(OrtAllocator*, void* p)
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nint> AllocatorFree;
    // GetAllocatorWithDefaultOptions(OrtAllocator** out): a process-wide allocator, never freed
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> GetAllocatorWithDefaultOptions;
    // void ReleaseX(OrtX*)
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseEnv;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseStatus;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseMemoryInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseSession;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseValue;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseTypeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseTensorTypeAndShapeInfo;
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseSessionOptions;
    // AddSessionConfigEntry(OrtSessionOptions*, const char* key, const char* value)
    public readonly delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint> AddSessionConfigEntry;

    /// <summary>Reads the function table at <paramref name="api"/> (an <c>const OrtApi*</c>).</summary>
    public OrtApi(nint api)
    {
        var t = (void**)api;
        GetErrorCode = (delegate* unmanaged[Cdecl]<nint, int>)Slot(t, SlotGetErrorCode);
        GetErrorMessage = (delegate* unmanaged[Cdecl]<nint, byte*>)Slot(t, SlotGetErrorMessage);
        CreateEnv = (delegate* unmanaged[Cdecl]<int, byte*, nint*, nint>)Slot(t, SlotCreateEnv);
        CreateSession = (delegate* unmanaged[Cdecl]<nint, byte*, nint, nint*, nint>)Slot(t, SlotCreateSession);
        CreateSessionFromArray = (delegate* unmanaged[Cdecl]<nint, void*, nuint, nint, nint*, nint>)Slot(t, SlotCreateSessionFromArray);
        Run = (delegate* unmanaged[Cdecl]<nint, nint, nint*, nint*, nuint, nint*, nuint, nint*, nint>)Slot(t, SlotRun);
        CreateSessionOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)Slot(t, SlotCreateSessionOptions);
        SetSessionGraphOptimizationLevel = (delegate* unmanaged[Cdecl]<nint, int, nint>)Slot(t, SlotSetSessionGraphOptimizationLevel);
        SetIntraOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)Slot(t, SlotSetIntraOpNumThreads);
        SetInterOpNumThreads = (delegate* unmanaged[Cdecl]<nint, int, nint>)Slot(t, SlotSetInterOpNumThreads);
        SessionGetInputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Slot(t, SlotSessionGetInputCount);
        SessionGetOutputCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Slot(t, SlotSessionGetOutputCount);
        SessionGetInputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)Slot(t, SlotSessionGetInputTypeInfo);
        SessionGetOutputTypeInfo = (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)Slot(t, SlotSessionGetOutputTypeInfo);
        SessionGetInputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)Slot(t, SlotSessionGetInputName);
        SessionGetOutputName = (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)Slot(t, SlotSessionGetOutputName);
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, int, nint*, nint>)Slot(t, SlotCreateTensorWithDataAsOrtValue);
        GetTensorMutableData = (delegate* unmanaged[Cdecl]<nint, void**, nint>)Slot(t, SlotGetTensorMutableData);
        CastTypeInfoToTensorInfo = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)Slot(t, SlotCastTypeInfoToTensorInfo);
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged[Cdecl]<nint, int*, nint>)Slot(t, SlotGetOnnxTypeFromTypeInfo);
        GetTensorElementType = (delegate* unmanaged[Cdecl]<nint, int*, nint>)Slot(t, SlotGetTensorElementType);
        GetDimensionsCount = (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)Slot(t, SlotGetDimensionsCount);
        GetDimensions = (delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)Slot(t, SlotGetDimensions);
        GetTensorTypeAndShape = (delegate* unmanaged[Cdecl]<nint, nint*, nint>)Slot(t, SlotGetTensorTypeAndShape);
        CreateCpuMemoryInfo = (delegate* unmanaged[Cdecl]<int, int, nint*, nint>)Slot(t, SlotCreateCpuMemoryInfo);
        AllocatorFree = (delegate* unmanaged[Cdecl]<nint, void*, nint>)Slot(t, SlotAllocatorFree);
        GetAllocatorWithDefaultOptions = (delegate* unmanaged[Cdecl]<nint*, nint>)Slot(t, SlotGetAllocatorWithDefaultOptions);
        ReleaseEnv = (delegate* unmanaged[Cdecl]<nint, void>)Slot(t, SlotReleaseEnv);
        ReleaseStatus = (delegate* unmanaged[Cdecl]<nint, void>)Slot(t, SlotReleaseStatus);
        ReleaseMemoryInfo = (delegate* unmanaged[Cdecl]<nint, void>)Slot(t, SlotReleaseMemoryInfo);
        ReleaseSession = (delegate* unmanaged[Cdecl]<nint, void>)Slot(t, SlotReleaseSession);
        ReleaseValue = (delegate* unmanaged[Cdecl]<nint, void>)Slot(t, SlotReleaseValue);
        ReleaseTypeInfo = (delegate* unmanaged[Cdecl]<nint, void>)Slot(t, SlotReleaseTypeInfo);
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged[Cdecl]<nint, void>)Slot(t, SlotReleaseTensorTypeAndShapeInfo);
        ReleaseSessionOptions = (delegate* unmanaged[Cdecl]<nint, void>)Slot(t, SlotReleaseSessionOptions);
        AddSessionConfigEntry = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, nint>)Slot(t, SlotAddSessionConfigEntry);
    }

    private static void* Slot(void** table, int slot)
    {
        var p = table[slot];
        if (p == null)
        {
            throw new OnnxRuntimeNotFoundException(
                $"The ONNX Runtime C API table has no function in slot {slot}; the library is not a usable ONNX Runtime. Run `make native` or scripts/fetch-onnxruntime.sh to fetch ONNX Runtime 1.30.");
        }

        return p;
    }

    /// <summary>Throws <see cref="OnnxRuntimeException"/> if <paramref name="status"/> is an error (non-null).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Check(nint status)
    {
        if (status != 0)
        {
            ThrowStatus(status);
        }
    }

    /// <summary>Copies code and message out of <paramref name="status"/>, releases it and returns the exception.</summary>
    public OnnxRuntimeException ToException(nint status)
    {
        var code = GetErrorCode(status);
        var message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status)) ?? "(no message)";
        ReleaseStatus(status);
        return new OnnxRuntimeException(code, message);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowStatus(nint status) => throw ToException(status);
}
