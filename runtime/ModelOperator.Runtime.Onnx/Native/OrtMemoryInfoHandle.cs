namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>An <c>OrtMemoryInfo*</c>.</summary>
internal sealed unsafe class OrtMemoryInfoHandle(OrtApi api, nint handle) : OrtHandle(api, handle)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseMemoryInfo(handle);
        return true;
    }
}
