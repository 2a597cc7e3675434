using System.Diagnostics;
using ModelOperator.Runtime.Drift;
using ModelOperator.Runtime.Onnx;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Drift;
using ModelOperator.Runtime.Server.Inference;
using ModelOperator.Runtime.Server.Hosting;
using ModelOperator.Runtime.Server.Metrics;

namespace ModelOperator.Runtime.Server.Models;

/// <summary>
/// Loads the one model of this process in the background once the server is up: fetch, verify
/// the sha256, create the session, warm it with one run. The process is live throughout; it is
/// ready only when all of that succeeded. A failure is reported with its reason and kept: the
/// operator decides what to do about a model that cannot load, not a restart loop.
/// </summary>
internal sealed partial class ModelLoader(
    ServerOptions options,
    OnnxRuntimeEnvironment runtime,
    ModelFetcher fetcher,
    ModelState state,
    ServerMetrics metrics,
    TimeProvider time,
    ILogger<ModelLoader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = time.GetTimestamp();
        Log.Loading(logger, options.ModelName, options.ModelVersion, UriRedaction.Redact(options.ModelUri));
        try
        {
            // The bytes that were hashed are the bytes that are loaded: no second open of the path.
            var file = await fetcher.FetchAsync(options.ModelUri, options.ModelSha256, stoppingToken).ConfigureAwait(false);
            var sha256 = file.Sha256;
            RefuseExternalData(file.Bytes);
            var profile = options.ProfileUri is null ? null : await LoadProfileAsync(stoppingToken).ConfigureAwait(false);
            var model = Load(file.Bytes, sha256, profile);
            var elapsed = time.GetElapsedTime(started);
            metrics.LoadDuration.Set(elapsed.TotalSeconds);
            metrics.ModelInfo(sha256, runtime.Version);
            metrics.Ready.Set(1);
            state.Set(new ModelStatus(true, "Ready", "the model is loaded, verified and warmed", model));
            Log.Ready(logger, options.ModelName, options.ModelVersion, sha256, elapsed.TotalMilliseconds);
        }
        catch (ModelLoadException ex)
        {
            Fail(ex.Reason, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // e.g. a read-only cache directory: the model never reached local disk.
            Fail(ModelLoadReason.DownloadFailed, $"could not store or read model {UriRedaction.Redact(options.ModelUri)}: {ex.Message}");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<ReferenceProfile> LoadProfileAsync(CancellationToken cancellationToken)
    {
        var file = await fetcher.FetchAsync(options.ProfileUri!, options.ProfileSha256, cancellationToken).ConfigureAwait(false);
        try
        {
            using var stream = new MemoryStream(file.Bytes, writable: false);
            return ReferenceProfileJson.Read(stream);
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or ArgumentException)
        {
            throw new ModelLoadException(ModelLoadReason.InvalidProfile, $"reference profile {UriRedaction.Redact(options.ProfileUri)}: {ex.Message}", ex);
        }
    }

    // Tensors in files beside the model would be loaded unverified by the model's sha256.
    private void RefuseExternalData(byte[] model)
    {
        string? external;
        try
        {
            external = OnnxExternalData.FindExternalFile(model);
        }
        catch (InvalidDataException)
        {
            return; // not protobuf at all: ONNX Runtime refuses it with its own message
        }

        if (external is not null)
        {
            throw new ModelLoadException(
                ModelLoadReason.UnsupportedModel,
                $"model {UriRedaction.Redact(options.ModelUri)} keeps tensors in the external data file \"{external}\", which its sha256 does not cover; save the model as one file (onnx.save_model(..., save_as_external_data=False)) to serve it");
        }
    }

    // The prediction histogram always; drift too when a profile is given. A profile that does
    // not fit the model's tensors is refused, since drift verdicts on it would be meaningless.
    private PredictionRecorder? CreatePredictionRecorder(ModelSignature signature, ReferenceProfile? profile)
    {
        FeatureLayout layout;
        try
        {
            layout = FeatureLayout.Create(signature);
        }
        catch (InvalidOperationException ex)
        {
            if (profile is not null)
            {
                throw new ModelLoadException(ModelLoadReason.InvalidProfile, $"reference profile {UriRedaction.Redact(options.ProfileUri)} cannot apply: {ex.Message}", ex);
            }

            return null;
        }

        DriftMonitor? monitor = null;
        if (profile is not null)
        {
            if (layout.Mismatch(profile) is { } mismatch)
            {
                throw new ModelLoadException(ModelLoadReason.InvalidProfile, $"reference profile {UriRedaction.Redact(options.ProfileUri)} {mismatch}");
            }

            monitor = new DriftMonitor(
                profile,
                new DriftMonitorOptions
                {
                    Window = options.DriftWindow,
                    BucketWidth = options.DriftBucket,
                    PsiThreshold = options.DriftPsiThreshold,
                    JensenShannonThreshold = options.DriftJsThreshold,
                    MinSamples = options.DriftMinSamples,
                },
                time);
            DriftMetrics.Register(metrics.Registry, options.ModelName, options.ModelVersion, monitor);
        }

        return new PredictionRecorder(layout, monitor, metrics.Predictions, options.ModelName, options.ModelVersion);
    }

    private LoadedModel Load(byte[] bytes, string sha256, ReferenceProfile? profile)
    {
        InferenceSession session;
        try
        {
            session = InferenceSession.Load(runtime, bytes, new OnnxSessionOptions { IntraOpThreads = 1, AllowSpinning = false });
            metrics.SessionsCreated.Inc();
        }
        catch (UnsupportedModelException ex)
        {
            throw new ModelLoadException(ModelLoadReason.UnsupportedModel, ex.Message, ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new ModelLoadException(ModelLoadReason.ModelNotFound, ex.Message, ex);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException(ModelLoadReason.InvalidModel, $"ONNX Runtime could not load {UriRedaction.Redact(options.ModelUri)}: {ex.Message}", ex);
        }

        try
        {
            Warm(session);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or ArgumentException)
        {
            session.Dispose();
            throw new ModelLoadException(ModelLoadReason.WarmupFailed, $"the warm-up run failed: {ex.Message}", ex);
        }

        var maxBytes = options.MaxRequestBytes ?? LoadedModel.DefaultMaxRequestBytes(session.Inputs);
        try
        {
            var model = new LoadedModel(session, options.ModelName, options.ModelVersion, sha256, maxBytes, signature => CreatePredictionRecorder(signature, profile));
            if (options.MaxBatchSize > 1)
            {
                if (DynamicBatcher.CanBatch(model.Signature))
                {
                    model.Batcher = new DynamicBatcher(model, options.MaxBatchSize, options.MaxBatchDelay, metrics, logger);
                }
                else
                {
                    Log.BatchingUnavailable(logger, options.ModelName);
                }
            }

            return model;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    // One run over zeros, batch 1 (every dynamic dimension 1), so that the first real request
    // does not pay for lazy initialisation inside ONNX Runtime.
    private static void Warm(InferenceSession session)
    {
        var inputs = new InputTensor[session.Inputs.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            var meta = session.Inputs[i];
            var shape = meta.Shape.Select(d => d < 0 ? 1L : d).ToArray();
            var elements = shape.Aggregate(1L, (a, b) => a * b);
            inputs[i] = new InputTensor(i, meta.ElementType, shape, new byte[TensorElementTypes.ZeroedByteLength(meta.ElementType, elements)]);
        }

        using var result = session.Run(inputs);
        Debug.Assert(result.Count == session.Outputs.Count, "a warm-up run returns every output");
    }

    private void Fail(string reason, string message)
    {
        metrics.LoadFailed(reason);
        metrics.Ready.Set(0);
        state.Set(new ModelStatus(false, reason, message, null));
        Log.LoadFailed(logger, options.ModelName, options.ModelVersion, reason, message);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Loading model {Model} version {Version} from {Uri}")]
        public static partial void Loading(ILogger logger, string model, string version, string uri);

        [LoggerMessage(2, LogLevel.Information, "Model {Model} version {Version} is ready (sha256 {Sha256}, loaded in {Milliseconds:0} ms)")]
        public static partial void Ready(ILogger logger, string model, string version, string sha256, double milliseconds);

        [LoggerMessage(4, LogLevel.Warning, "Dynamic batching is off for model {Model}: not every input and output has a dynamic first dimension and a fixed element size (BYTES tensors run unbatched)")]
        public static partial void BatchingUnavailable(ILogger logger, string model);

        [LoggerMessage(3, LogLevel.Error, "Model {Model} version {Version} failed to load: {Reason}: {Message}")]
        public static partial void LoadFailed(ILogger logger, string model, string version, string reason, string message);
    }
}
