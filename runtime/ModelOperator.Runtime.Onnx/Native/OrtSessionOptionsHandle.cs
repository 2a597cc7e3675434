namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>An <c>OrtSessionOptions*</c>.</summary>
internal sealed unsafe class OrtSessionOptionsHandle(OrtApi api, nint handle) : OrtHandle(api, handle)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseSessionOptions(handle);
        return true;
    }
}
