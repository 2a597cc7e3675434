using System.Runtime.InteropServices;

namespace ModelOperator.Runtime.Onnx.Native;

/// <summary>A native ONNX Runtime object released through its <c>ReleaseX</c> function.</summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle(OrtApi api, nint handle)
        : base(0, ownsHandle: true)
    {
        Api = api;
        SetHandle(handle);
    }

    public OrtApi Api { get; }

    public override bool IsInvalid => handle == 0;
}
