using System.Buffers;
using System.Buffers.Binary;
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
/// Every protocol (REST JSON, REST binary, gRPC) calls it with the same parsed request, so BYTES inputs, whose elements
/// are length-prefixed UTF-8 there, are recorded as text the same way whichever protocol carried them.
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
            if (_layout.HasText)
            {
                RecordWithText(request, rows, features, outputs);
                return;
            }

            Monitor!.Record(features.AsSpan(0, rows * _layout.FeatureCount), rows, outputs);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(features);
        }
    }

    // Rows with text: numbers from the extracted matrix, strings straight from the request's BYTES buffers.
    private void RecordWithText(InferenceRequest request, int rows, float[] features, ReadOnlySpan<float> outputs)
    {
        var columns = _layout.FeatureCount;
        using var recording = Monitor!.Begin(rows);
        for (var r = 0; r < rows; r++)
        {
            for (var f = 0; f < columns; f++)
            {
                if (!_layout.IsTextFeature(f))
                {
                    recording.Feature(f, features[(r * columns) + f]);
                }
            }

            for (var o = 0; !outputs.IsEmpty && o < _layout.OutputCount; o++)
            {
                recording.Output(o, outputs[(r * _layout.OutputCount) + o]);
            }
        }

        var slots = request.Inputs;
        for (var i = 0; i < slots.Length; i++)
        {
            if (_layout.IsTextInput(i))
            {
                RecordText(recording, slots[i].Data.Span, rows * _layout.InputColumns(i), _layout.InputColumns(i), _layout.FirstColumn(i));
            }
        }
    }

    // The elements of one BYTES input, row-major: element e is row e / width, column first + e % width. The parser
    // checked the layout (4-byte little-endian length, then that many bytes); a short buffer just ends the walk.
    private static void RecordText(DriftRecording recording, ReadOnlySpan<byte> data, int elements, int width, int first)
    {
        var rest = data;
        for (var e = 0; e < elements && rest.Length >= TensorElements.BytesLengthPrefix; e++)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
            if (length > (uint)(rest.Length - TensorElements.BytesLengthPrefix))
            {
                return;
            }

            recording.FeatureText(first + (e % width), rest.Slice(TensorElements.BytesLengthPrefix, (int)length));
            rest = rest[(TensorElements.BytesLengthPrefix + (int)length)..];
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
