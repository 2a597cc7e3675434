using ModelOperator.Runtime.Protocol;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>How one output of the candidate's answer compares with the stable server's own.</summary>
/// <param name="Name">The output's name (from the model's signature, so a bounded label).</param>
/// <param name="MaxAbsoluteDifference">The largest |candidate − stable| over the output's values; null when the two cannot
/// be compared value by value (the candidate lacks the output, or its shape differs, or only one side is NaN). BYTES
/// outputs are 0 when their data is the same text, else null.</param>
/// <param name="TopClassAgrees">For a classifier-shaped output, whether every row's top class is the same; else null.</param>
internal readonly record struct OutputComparison(string Name, double? MaxAbsoluteDifference, bool? TopClassAgrees);

/// <summary>
/// The comparison of one copy: each output, and whether every value of every output is within the tolerance. One
/// instance per sender is filled again for every copy, so comparing allocates nothing.
/// </summary>
internal sealed class AnswerComparison(int outputs)
{
    private readonly OutputComparison[] _outputs = new OutputComparison[outputs];
    private int _count;

    /// <summary>The outputs compared by the last <see cref="Compare(InferenceAnswer, InferenceAnswer, double)"/>.</summary>
    public ArraySegment<OutputComparison> Outputs => new(_outputs, 0, _count);

    /// <summary>Whether every output of the last comparison was within the tolerance.</summary>
    public bool Agrees { get; private set; }

    /// <summary>
    /// Reads both answers for the outputs named in <paramref name="outputs"/> and compares them (tests and one-off callers;
    /// the mirror keeps its readers and calls <see cref="Compare(InferenceAnswer, InferenceAnswer, double)"/>).
    /// </summary>
    /// <exception cref="ProtocolException">Either answer is not an inference response.</exception>
    public static AnswerComparison Compare(ReadOnlySpan<byte> stableAnswer, ReadOnlySpan<byte> candidateAnswer, double tolerance, IReadOnlyList<string> outputs) =>
        Compare(stableAnswer, -1, candidateAnswer, -1, tolerance, outputs);

    /// <summary>
    /// As <see cref="Compare(ReadOnlySpan{byte}, ReadOnlySpan{byte}, double, IReadOnlyList{string})"/>, for answers that
    /// may be in the binary data extension: each header length is its answer's JSON length, -1 for a JSON answer.
    /// </summary>
    /// <exception cref="ProtocolException">Either answer is not an inference response.</exception>
    public static AnswerComparison Compare(
        ReadOnlySpan<byte> stableAnswer, long stableHeaderLength, ReadOnlySpan<byte> candidateAnswer, long candidateHeaderLength, double tolerance, IReadOnlyList<string> outputs)
    {
        var stable = new InferenceAnswer(outputs);
        var candidate = new InferenceAnswer(outputs);
        stable.Read(stableAnswer, stableHeaderLength);
        candidate.Read(candidateAnswer, candidateHeaderLength);
        var comparison = new AnswerComparison(outputs.Count);
        comparison.Compare(stable, candidate, tolerance);
        return comparison;
    }

    /// <summary>
    /// Compares the candidate's answer with the stable one, output by output: both were read for the same output names
    /// (the model's signature; anything else in either answer was skipped, so a label never comes from a candidate). An
    /// output the stable answer lacks is not compared. Classifier-shaped outputs (see <see cref="IsClassifier"/>) also
    /// get a top-class verdict.
    /// </summary>
    public void Compare(InferenceAnswer stable, InferenceAnswer candidate, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(stable);
        ArgumentNullException.ThrowIfNull(candidate);
        _count = 0;
        var agrees = true;
        for (var i = 0; i < stable.Count && i < _outputs.Length; i++)
        {
            var mine = stable[i];
            if (!mine.Present)
            {
                continue;
            }

            var theirs = candidate[i];
            if (!theirs.Present || !mine.Shape.SequenceEqual(theirs.Shape) || mine.IsNumeric != theirs.IsNumeric || mine.Values.Length != theirs.Values.Length)
            {
                _outputs[_count++] = new OutputComparison(mine.Name, null, TopClassesAgree(mine, mine) is null ? null : false);
                agrees = false;
                continue;
            }

            var difference = mine.IsNumeric
                ? MaxAbsoluteDifference(mine.Values, theirs.Values)
                : mine.RawData.SequenceEqual(theirs.RawData) ? 0 : null;
            agrees &= difference is { } d && d <= tolerance;
            _outputs[_count++] = new OutputComparison(mine.Name, difference, TopClassesAgree(mine, theirs));
        }

        Agrees = agrees;
    }

    /// <summary>The largest |a − b|; NaN on both sides counts as equal, on one side as not comparable (null).</summary>
    internal static double? MaxAbsoluteDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var max = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            if (double.IsNaN(a[i]) || double.IsNaN(b[i]))
            {
                if (double.IsNaN(a[i]) && double.IsNaN(b[i]))
                {
                    continue;
                }

                return null;
            }

            // Equal infinities are equal; an infinite difference has no place in a histogram's sum.
            var difference = a[i] == b[i] ? 0 : Math.Abs(a[i] - b[i]);
            if (!double.IsFinite(difference))
            {
                return null;
            }

            max = Math.Max(max, difference);
        }

        return max;
    }

    /// <summary>
    /// Whether an output is classifier-shaped: a 2-D <c>[batch, classes]</c> FP32/FP64 output (classes ≥ 2: the largest
    /// value's index is the class; one column of values in [0, 1]: a binary classifier's probability, class 1 from 0.5),
    /// or an integer label output (<c>[batch]</c> or <c>[batch, 1]</c> INT32/INT64/UINT8: the label itself).
    /// </summary>
    internal static bool IsClassifier(InferenceAnswer.Output output)
    {
        var shape = output.Shape;
        return output.DataType switch
        {
            DataType.FP32 or DataType.FP64 => shape.Length == 2 && shape[0] >= 1 && shape[1] >= 1 && output.Values.Length == shape[0] * shape[1],
            DataType.Int32 or DataType.Int64 or DataType.UInt8 => shape.Length == 1 || (shape.Length == 2 && shape[1] == 1),
            _ => false,
        };
    }

    /// <summary>
    /// Whether every row's top class is the same, both read the stable way (so a candidate that changed the datatype
    /// does not get a verdict of its own kind); null when the stable output is not classifier-shaped or a row of either
    /// side has no class (a single column outside [0, 1], or NaN).
    /// </summary>
    internal static bool? TopClassesAgree(InferenceAnswer.Output mine, InferenceAnswer.Output theirs)
    {
        if (!IsClassifier(mine))
        {
            return null;
        }

        var label = mine.DataType is not (DataType.FP32 or DataType.FP64);
        var columns = label ? 1 : (int)mine.Shape[1];
        var rows = label ? mine.Values.Length : (int)mine.Shape[0];
        var agrees = true;
        for (var r = 0; r < rows; r++)
        {
            if (TopClass(mine.Values.Slice(r * columns, columns), label) is not { } ours
                || TopClass(theirs.Values.Slice(r * columns, columns), label) is not { } their)
            {
                return null;
            }

            agrees &= ours == their;
        }

        return agrees;
    }

    private static long? TopClass(ReadOnlySpan<double> row, bool label)
    {
        if (label)
        {
            return (long)row[0];
        }

        if (row.Length == 1)
        {
            return row[0] is < 0 or > 1 || double.IsNaN(row[0]) ? null : row[0] >= 0.5 ? 1 : 0;
        }

        // NaN never wins: a row of NaN keeps its first value.
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best])
            {
                best = i;
            }
        }

        return best;
    }
}
