using System.Text;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Shadow;

namespace ModelOperator.Runtime.Server.Tests.Shadow;

/// <summary>Agreement computed exactly on known pairs of answers.</summary>
public sealed class AnswerComparisonTests
{
    private static byte[] Answer(params (string Name, string Type, long[] Shape, string Data)[] outputs) =>
        Encoding.UTF8.GetBytes("{\"model_name\":\"m\",\"model_version\":\"1\",\"outputs\":[" + string.Join(',', outputs.Select(o =>
            $"{{\"name\":\"{o.Name}\",\"datatype\":\"{o.Type}\",\"shape\":[{string.Join(',', o.Shape)}],\"data\":[{o.Data}]}}")) + "]}");

    private static AnswerComparison Compare(byte[] stable, byte[] candidate, double tolerance = 0.01) =>
        AnswerComparison.Compare(stable, candidate, tolerance, ["probabilities", "label"]);

    [Fact]
    public void Equal_answers_agree_with_no_difference_and_the_same_top_class()
    {
        var answer = Answer(("probabilities", "FP32", [2, 3], "0.1,0.7,0.2,0.5,0.25,0.25"), ("label", "INT64", [2], "1,0"));

        var result = Compare(answer, answer);

        Assert.True(result.Agrees);
        Assert.Equal([new("probabilities", 0, true), new("label", 0, true)], result.Outputs);
    }

    [Fact]
    public void A_difference_within_the_tolerance_agrees_and_is_measured_exactly()
    {
        var stable = Answer(("probabilities", "FP64", [1, 2], "0.25,0.75"));
        var candidate = Answer(("probabilities", "FP64", [1, 2], "0.2575,0.7425"));

        var result = Compare(stable, candidate);

        Assert.True(result.Agrees);
        var output = Assert.Single(result.Outputs);
        Assert.Equal(0.0075, output.MaxAbsoluteDifference!.Value, 12);
        Assert.True(output.TopClassAgrees);
    }

    [Fact]
    public void A_difference_outside_the_tolerance_disagrees_while_the_top_class_still_agrees()
    {
        var stable = Answer(("probabilities", "FP64", [1, 2], "0.25,0.75"));
        var candidate = Answer(("probabilities", "FP64", [1, 2], "0.375,0.625"));

        var result = Compare(stable, candidate);

        Assert.False(result.Agrees);
        Assert.Equal(new OutputComparison("probabilities", 0.125, true), Assert.Single(result.Outputs));
    }

    [Fact]
    public void A_different_top_class_in_any_row_is_a_disagreement()
    {
        var stable = Answer(("probabilities", "FP32", [2, 2], "0.9,0.1,0.4,0.6"), ("label", "INT64", [2, 1], "0,1"));
        var candidate = Answer(("probabilities", "FP32", [2, 2], "0.9,0.1,0.6,0.4"), ("label", "INT64", [2, 1], "0,0"));

        var result = Compare(stable, candidate, tolerance: 0.5);

        Assert.False(result.Agrees); // the probabilities are within 0.5, the labels 1 apart
        Assert.Equal([new("probabilities", 0.2, false), new("label", 1, false)], result.Outputs.Select(o => o with { MaxAbsoluteDifference = Math.Round(o.MaxAbsoluteDifference!.Value, 6) }));
    }

    [Fact]
    public void A_single_probability_column_is_a_binary_classifier_split_at_one_half()
    {
        var stable = Answer(("probabilities", "FP32", [1, 1], "0.45"));
        var candidate = Answer(("probabilities", "FP32", [1, 1], "0.55"));

        var result = Compare(stable, candidate);

        Assert.False(Assert.Single(result.Outputs).TopClassAgrees);
    }

    [Fact]
    public void A_regression_output_has_no_top_class()
    {
        var stable = Answer(("probabilities", "FP32", [1, 1], "12.5"));

        var result = Compare(stable, stable);

        Assert.Null(Assert.Single(result.Outputs).TopClassAgrees);
    }

    [Fact]
    public void A_missing_output_or_another_shape_disagrees_without_a_difference()
    {
        var stable = Answer(("probabilities", "FP32", [1, 2], "0.25,0.75"), ("label", "INT64", [1], "1"));
        var candidate = Answer(("probabilities", "FP32", [2, 1], "0.25,0.75"));

        var result = Compare(stable, candidate);

        Assert.False(result.Agrees);
        Assert.Equal([new("probabilities", null, false), new("label", null, false)], result.Outputs);
    }

    [Fact]
    public void NaN_on_both_sides_is_equal_and_on_one_side_is_not_comparable()
    {
        var stable = Answer(("probabilities", "FP32", [1, 2], "\"NaN\",0.5"));

        Assert.True(Compare(stable, stable).Agrees);
        var result = Compare(stable, Answer(("probabilities", "FP32", [1, 2], "0.5,0.5")));
        Assert.False(result.Agrees);
        Assert.Null(Assert.Single(result.Outputs).MaxAbsoluteDifference);
    }

    [Fact]
    public void Outputs_outside_the_signature_are_never_labels()
    {
        var stable = Answer(("probabilities", "FP32", [1, 2], "0.25,0.75"));
        var candidate = Answer(("probabilities", "FP32", [1, 2], "0.25,0.75"), ("extra_from_the_candidate", "FP32", [1], "1"));

        var result = Compare(stable, candidate);

        Assert.True(result.Agrees);
        Assert.Equal(["probabilities"], result.Outputs.Select(o => o.Name));
    }

    [Fact]
    public void A_bytes_output_agrees_only_when_its_strings_are_the_same()
    {
        var stable = Answer(("label", "BYTES", [1], "\"yes\""));

        Assert.Equal(new OutputComparison("label", 0, null), Assert.Single(Compare(stable, stable).Outputs));
        var result = Compare(stable, Answer(("label", "BYTES", [1], "\"no\"")));
        Assert.False(result.Agrees);
        Assert.Equal(new OutputComparison("label", null, null), Assert.Single(result.Outputs));
    }

    [Fact]
    public void Reading_and_comparing_again_allocates_nothing()
    {
        // The senders keep their readers and comparison: a warm copy costs no garbage.
        var stableAnswer = Answer(("probabilities", "FP32", [2, 3], "0.1,0.7,0.2,0.5,0.25,0.25"), ("label", "INT64", [2], "1,0"));
        var candidateAnswer = Answer(("probabilities", "FP32", [2, 3], "0.1,0.6,0.3,0.5,0.25,0.25"), ("label", "INT64", [2], "1,1"));
        var stable = new InferenceAnswer(["probabilities", "label"]);
        var candidate = new InferenceAnswer(["probabilities", "label"]);
        var comparison = new AnswerComparison(2);
        CompareOnce();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            CompareOnce();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.False(comparison.Agrees);
        Assert.Equal([new("probabilities", 0.1, true), new("label", 1, false)], comparison.Outputs.Select(o => o with { MaxAbsoluteDifference = Math.Round(o.MaxAbsoluteDifference!.Value, 6) }));

        void CompareOnce()
        {
            stable.Read(stableAnswer);
            candidate.Read(candidateAnswer);
            comparison.Compare(stable, candidate, 0.01);
        }
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"error\":\"boom\"}")]
    [InlineData("{\"outputs\":[{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[{}]}]}")]
    [InlineData("{\"outputs\":[{\"name\":\"probabilities\"}]}")]
    public void A_garbage_answer_is_not_compared(string candidate)
    {
        var stable = Answer(("probabilities", "FP32", [1, 1], "0.25"));

        Assert.Throws<ProtocolException>(() => Compare(stable, Encoding.UTF8.GetBytes(candidate)));
    }

    /// <summary>
    /// The same outputs in the binary data extension: each output's JSON has parameters.binary_data_size and no data, its
    /// elements' bytes follow the JSON in order. Returns the answer and its header length.
    /// </summary>
    private static (byte[] Answer, long HeaderLength) BinaryAnswer(params (string Name, string Type, long[] Shape, string Data)[] outputs)
    {
        var tails = outputs.Select(o => TypedTensor.ToBytes(o.Type, "[" + o.Data + "]")).ToArray();
        var json = Encoding.UTF8.GetBytes("{\"model_name\":\"m\",\"model_version\":\"1\",\"outputs\":[" + string.Join(',', outputs.Select((o, i) =>
            $"{{\"name\":\"{o.Name}\",\"datatype\":\"{o.Type}\",\"shape\":[{string.Join(',', o.Shape)}],\"parameters\":{{\"binary_data_size\":{tails[i].Length}}}}}")) + "]}");
        return ([.. json, .. tails.SelectMany(t => t)], json.Length);
    }

    private static readonly (string Name, string Type, long[] Shape, string Data)[] Outputs =
        [("probabilities", "FP32", [2, 2], "0.25,0.75,0.5,0.5"), ("label", "BYTES", [2], "\"yes\",\"n\\u00f6\"")];

    [Fact]
    public void A_binary_answer_agrees_exactly_with_the_same_answer_in_json_either_way_round_bytes_outputs_included()
    {
        var json = Answer(Outputs);
        var (binary, headerLength) = BinaryAnswer(Outputs);

        var binaryStable = AnswerComparison.Compare(binary, headerLength, json, -1, 0, ["probabilities", "label"]);
        var jsonStable = AnswerComparison.Compare(json, -1, binary, headerLength, 0, ["probabilities", "label"]);
        var bothBinary = AnswerComparison.Compare(binary, headerLength, binary, headerLength, 0, ["probabilities", "label"]);

        foreach (var result in new[] { binaryStable, jsonStable, bothBinary })
        {
            Assert.True(result.Agrees);
            Assert.Equal([new("probabilities", 0, true), new("label", 0, null)], result.Outputs);
        }
    }

    [Fact]
    public void A_shifted_binary_answer_disagrees_by_exactly_its_shift()
    {
        var (stable, stableHeader) = BinaryAnswer(Outputs);
        var (candidate, candidateHeader) = BinaryAnswer(("probabilities", "FP32", [2, 2], "0.75,0.25,0.5,0.5"), ("label", "BYTES", [2], "\"yes\",\"no\""));

        var result = AnswerComparison.Compare(stable, stableHeader, candidate, candidateHeader, 0.01, ["probabilities", "label"]);

        Assert.False(result.Agrees);
        Assert.Equal([new("probabilities", 0.5, false), new("label", null, null)], result.Outputs);
    }

    public static TheoryData<string, string> BadBinaryAnswers => new()
    {
        { "header beyond the answer", "Inference-Header-Content-Length is" },
        { "binary data left over", "the binary data after the answer's JSON is" },
        { "too little binary data", "bytes of binary data are left" },
        { "size not the shape's", "has binary_data_size 16 but 2 element(s) of FP32 need 2 x 4 bytes" },
        { "binary_data_size without the header", "no Inference-Header-Content-Length" },
        { "data and binary_data_size", "both \"data\" and parameters.binary_data_size" },
        { "bad bytes layout", "has a length prefix of 255 bytes but only 3 byte(s) follow it" },
        { "negative binary_data_size", "binary_data_size must be an integer >= 0" },
    };

    [Theory]
    [MemberData(nameof(BadBinaryAnswers))]
    public void A_malformed_binary_answer_is_not_compared_and_says_what_is_wrong(string kind, string fragment)
    {
        var stable = Answer(Outputs);
        var (binary, headerLength) = BinaryAnswer(Outputs);
        var text = Encoding.UTF8.GetString(binary.AsSpan(0, (int)headerLength));
        var tail = binary[(int)headerLength..];
        (byte[] Answer, long HeaderLength) candidate = kind switch
        {
            "header beyond the answer" => (binary, binary.Length + 1),
            "binary data left over" => ([.. binary, 0], headerLength),
            "too little binary data" => (binary[..^1], headerLength),
            "size not the shape's" => Rewrite(text.Replace("[2,2]", "[1,2]", StringComparison.Ordinal), tail),
            "binary_data_size without the header" => (binary, -1),
            "data and binary_data_size" => Rewrite(text.Replace("\"parameters\"", "\"data\":[1,2,3,4],\"parameters\"", StringComparison.Ordinal), tail),
            "bad bytes layout" => (Broken(binary), headerLength),
            _ => Rewrite(text.Replace("\"binary_data_size\":16", "\"binary_data_size\":-16", StringComparison.Ordinal), tail),
        };

        var error = Assert.Throws<ProtocolException>(() => AnswerComparison.Compare(stable, -1, candidate.Answer, candidate.HeaderLength, 0.01, ["probabilities", "label"]));
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);

        // The last BYTES element ("nö", 3 bytes) claims 255.
        static byte[] Broken(byte[] answer)
        {
            var broken = (byte[])answer.Clone();
            broken[^7] = 0xFF;
            return broken;
        }

        static (byte[], long) Rewrite(string json, byte[] tail)
        {
            var header = Encoding.UTF8.GetBytes(json);
            return ([.. header, .. tail], header.Length);
        }
    }
}
