namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>An <c>OrtEnv*</c>.</summary>
internal sealed unsafe class OrtEnvHandle(OrtApi api, nint handle) : OrtHandle(api, handle)
{
    protected override bool ReleaseHandle()
    {
        Api.ReleaseEnv(handle);
        return true;
    }
}
