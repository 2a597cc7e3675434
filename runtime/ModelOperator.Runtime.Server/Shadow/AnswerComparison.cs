using System.Text.Json;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>How one output of the candidate's answer compares with the stable server's own.</summary>
/// <param name="Name">The output's name (from the model's signature, so a bounded label).</param>
/// <param name="MaxAbsoluteDifference">The largest |candidate − stable| over the output's values; null when the two cannot
/// be compared value by value (the candidate lacks the output, or its shape differs, or only one side is NaN).</param>
/// <param name="TopClassAgrees">For a classifier-shaped output, whether every row's top class is the same; else null.</param>
internal sealed record OutputComparison(string Name, double? MaxAbsoluteDifference, bool? TopClassAgrees);

/// <summary>The comparison of one copy: each output, and whether every value of every output is within the tolerance.</summary>
internal sealed record AnswerComparison(IReadOnlyList<OutputComparison> Outputs, bool Agrees)
{
    /// <summary>
    /// Compares the candidate's answer with the stable one, output by output, for the outputs named in
    /// <paramref name="outputs"/> (the model's signature; anything else in either answer is ignored, so a label never
    /// comes from a candidate). Classifier-shaped outputs (see <see cref="TopClasses"/>) also get a top-class verdict.
    /// </summary>
    /// <exception cref="JsonException">Either answer is not an inference response (garbage counts as the candidate failing).</exception>
    public static AnswerComparison Compare(ReadOnlySpan<byte> stableAnswer, ReadOnlySpan<byte> candidateAnswer, double tolerance, IReadOnlyCollection<string> outputs)
    {
        var stable = AnswerTensors.Read(stableAnswer);
        var candidate = AnswerTensors.Read(candidateAnswer);
        var compared = new List<OutputComparison>(outputs.Count);
        var agrees = true;
        foreach (var name in outputs)
        {
            if (!stable.TryGetValue(name, out var mine))
            {
                continue;
            }

            if (!candidate.TryGetValue(name, out var theirs) || !mine.Shape.SequenceEqual(theirs.Shape) || mine.Values.Length != theirs.Values.Length)
            {
                compared.Add(new OutputComparison(name, null, TopClasses(mine) is null ? null : false));
                agrees = false;
                continue;
            }

            var difference = MaxAbsoluteDifference(mine.Values, theirs.Values);
            agrees &= difference is { } d && d <= tolerance;
            var topClassAgrees = TopClasses(mine) is { } ours && TopClasses(theirs, mine.DataType) is { } their
                ? ours.SequenceEqual(their)
                : (bool?)null;
            compared.Add(new OutputComparison(name, difference, topClassAgrees));
        }

        return new AnswerComparison(compared, agrees);
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
    /// The top class of each row of a classifier-shaped output, or null when the output is not one: a 2-D
    /// <c>[batch, classes]</c> FP32/FP64 output (classes ≥ 2: the largest value's index; one column of values in
    /// [0, 1]: a binary classifier's probability, class 1 from 0.5), or an integer label output (<c>[batch]</c> or
    /// <c>[batch, 1]</c> INT32/INT64/UINT8: the label itself). <paramref name="asType"/> reads the candidate's output as
    /// the stable one's type, so a candidate that changed the datatype does not get a verdict of its own kind.
    /// </summary>
    internal static long[]? TopClasses(AnswerTensor tensor, string? asType = null)
    {
        var type = asType ?? tensor.DataType;
        var shape = tensor.Shape;
        if (type is "FP32" or "FP64" && shape.Length == 2 && shape[0] >= 1 && shape[1] >= 1 && tensor.Values.Length == shape[0] * shape[1])
        {
            var rows = (int)shape[0];
            var columns = (int)shape[1];
            var classes = new long[rows];
            for (var r = 0; r < rows; r++)
            {
                var row = tensor.Values.AsSpan(r * columns, columns);
                if (columns == 1)
                {
                    if (row[0] is < 0 or > 1 || double.IsNaN(row[0]))
                    {
                        return null;
                    }

                    classes[r] = row[0] >= 0.5 ? 1 : 0;
                }
                else
                {
                    classes[r] = row.IndexOf(MaxOf(row));
                }
            }

            return classes;
        }

        if (type is "INT32" or "INT64" or "UINT8" && (shape.Length == 1 || (shape.Length == 2 && shape[1] == 1)))
        {
            return Array.ConvertAll(tensor.Values, v => (long)v);
        }

        return null;
    }

    private static double MaxOf(ReadOnlySpan<double> row)
    {
        var max = row[0];
        foreach (var v in row)
        {
            // NaN never wins: a row of NaN keeps its first value, and IndexOf finds it.
            if (v > max)
            {
                max = v;
            }
        }

        return max;
    }
}
