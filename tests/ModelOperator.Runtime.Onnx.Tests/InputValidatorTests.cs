namespace ModelOperator.Runtime.Onnx.Tests;

/// <summary>The validator on its own (no native library involved).</summary>
public sealed class InputValidatorTests
{
    private static readonly TensorMetadata Image = new("image", TensorElementType.UInt8, [-1, 2, 2]);
    private static readonly TensorMetadata Scale = new("scale", TensorElementType.Float64, []);

    public static TheoryData<long[], int, string?> Shapes => new()
    {
        { [1, 2, 2], 4, null },
        { [3, 2, 2], 12, null },
        { [0, 2, 2], 0, null },
        { [1, 2, 2], 5, "needs 4 x 1 = 4 bytes of data, got 5" },
        { [1, 2, 3], 6, "dimension 2 must be 2 (model shape [-1, 2, 2]), got 3" },
        { [1, 4], 4, "must have rank 3 (shape [-1, 2, 2]), got rank 2 (shape [1, 4])" },
        { [-2, 2, 2], 0, "has dimension 0 = -2" },
        { [long.MaxValue, 2, 2], 0, "has too many elements" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Shape_and_length_checks(long[] shape, int bytes, string? error)
    {
        var t = new InputTensor(0, TensorElementType.UInt8, shape, new byte[bytes]);
        if (error is null)
        {
            InputValidator.ValidateOne(Image, t);
        }
        else
        {
            Assert.Contains(error, Assert.Throws<ArgumentException>(() => InputValidator.ValidateOne(Image, t)).Message);
        }
    }

    [Fact]
    public void A_scalar_input_has_rank_zero_and_one_element()
    {
        InputValidator.ValidateOne(Scale, new InputTensor(1, TensorElementType.Float64, Array.Empty<long>(), new byte[8]));
        Assert.Contains("needs 1 x 8 = 8 bytes", Assert.Throws<ArgumentException>(() =>
            InputValidator.ValidateOne(Scale, new InputTensor(1, TensorElementType.Float64, Array.Empty<long>(), new byte[4]))).Message);
    }

    [Fact]
    public void Inputs_in_any_order_are_accepted_when_each_is_given_once()
    {
        var inputs = new[] { Image, Scale };
        InputValidator.ValidateInputs(inputs,
        [
            new InputTensor(1, TensorElementType.Float64, Array.Empty<long>(), new byte[8]),
            new InputTensor(0, TensorElementType.UInt8, new long[] { 1, 2, 2 }, new byte[4]),
        ], new bool[2]);
    }

    [Fact]
    public void Element_sizes_follow_onnx()
    {
        Assert.Equal(
            [4, 1, 1, 2, 2, 4, 8, 1, 2, 8, 4, 8, 2],
            TensorElementTypes.Supported.Where(TensorElementTypes.IsFixedSize).Select(TensorElementTypes.SizeOf));
        Assert.Equal("float32, uint8, int8, uint16, int16, int32, int64, string, bool, float16, float64, uint32, uint64, bfloat16", TensorElementTypes.SupportedList);
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorElementTypes.SizeOf(TensorElementType.String));
        Assert.Throws<ArgumentOutOfRangeException>(() => TensorElementTypes.SizeOf((TensorElementType)14));
        Assert.True(TensorElementTypes.IsSupported(11));
        Assert.True(TensorElementTypes.IsSupported(10));
        Assert.False(TensorElementTypes.IsSupported(14));
        Assert.Equal("bfloat16", TensorElementTypes.OnnxTypeName(16));
    }
}
