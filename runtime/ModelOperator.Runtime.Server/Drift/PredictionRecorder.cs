using System.Buffers;
using System.Runtime.InteropServices;
using ModelOperator.Runtime.Drift;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Models;
using Prometheus;

namespace ModelOperator.Runtime.Server.Drift;

/// <summary>
/// Records every served batch: its predictions into the cumulative prediction histogram (always, with or without a
/// reference profile) and its rows into the drift monitor (only when a profile is loaded). Called on the request path
/// after Run: it only converts values into pooled buffers and increments counters, with no lock and no allocation.
/// </summary>
internal sealed class PredictionRecorder
{
    private readonly FeatureLayout _layout;
    private readonly Histogram.Child[] _predictions;

    public PredictionRecorder(FeatureLayout layout, DriftMonitor? monitor, Histogram predictionHistogram, string model, string version)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(predictionHistogram);
        _layout = layout;
        Monitor = monitor;
        _predictions = layout.OutputNames.Select(name => predictionHistogram.WithLabels(model, version, name)).ToArray();
    }

    /// <summary>The monitor, or null when the model has no reference profile.</summary>
    public DriftMonitor? Monitor { get; }

    public FeatureLayout Layout => _layout;

    /// <summary>Records one request's rows and the outputs it was answered with.</summary>
    public void Record(InferenceRequest request, OutputView result)
    {
        ArgumentNullException.ThrowIfNull(request);
        var rows = result.Rows;
        if (rows <= 0)
        {
            return;
        }

        var outputs = ArrayPool<float>.Shared.Rent(Math.Max(1, rows * _layout.OutputCount));
        try
        {
            var haveAllOutputs = ExtractOutputs(result, rows, outputs);
            var outputSpan = haveAllOutputs ? outputs.AsSpan(0, rows * _layout.OutputCount) : default;
            if (haveAllOutputs)
            {
                for (var r = 0; r < rows; r++)
                {
                    for (var o = 0; o < _predictions.Length; o++)
                    {
                        _predictions[o].Observe(outputSpan[(r * _layout.OutputCount) + o]);
                    }
                }
            }

            if (Monitor is not null)
            {
                RecordDrift(request, rows, outputSpan);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(outputs);
        }
    }

    private void RecordDrift(InferenceRequest request, int rows, ReadOnlySpan<float> outputs)
    {
        var slot = request.Inputs[0];
        if (_layout.SingleMatrix && slot.DataType == DataType.FP32)
        {
            // The common case reads the request's own buffer: no copy.
            Monitor!.Record(MemoryMarshal.Cast<byte, float>(slot.Data.Span), rows, outputs);
            return;
        }

        var features = ArrayPool<float>.Shared.Rent(rows * _layout.FeatureCount);
        try
        {
            _layout.ExtractFeatures(request, features, rows);
            Monitor!.Record(features.AsSpan(0, rows * _layout.FeatureCount), rows, outputs);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(features);
        }
    }

    // True when every tracked output is in the result (a request may ask for a subset).
    private bool ExtractOutputs(OutputView result, int rows, float[] destination)
    {
        var column = 0;
        for (var index = 0; index < _layout.OutputTensorCount; index++)
        {
            var width = _layout.OutputColumns(index);
            if (width == 0)
            {
                continue;
            }

            var i = 0;
            while (i < result.Count && result.OutputIndex(i) != index)
            {
                i++;
            }

            if (i == result.Count)
            {
                return false;
            }

            _layout.ExtractOutput(index, LoadedModel.ToDataType(result.ElementType(i)), result.Bytes(i), rows, destination, column);
            column += width;
        }

        return column > 0;
    }
}
