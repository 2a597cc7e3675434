using System.Buffers;
using System.Net.Sockets;
using ModelOperator.Runtime.Protocol;
using ModelOperator.Runtime.Server.Inference;

namespace ModelOperator.Runtime.Server.Shadow;

/// <summary>
/// The sender's batches: the copies one wake took, sent to an http candidate over one kept
/// <see cref="PipelinedConnection"/> (all requests in one write, the answers read in order), or one by one through the
/// HttpClient to an https candidate.
/// </summary>
internal sealed partial class CopySender
{
    private readonly List<MirrorCopy> _batch = new(ShadowMirror.MaxBatch);
    private ArrayBufferWriter<byte> _requests = new(16 * 1024);
    private readonly List<(MirrorCopy Copy, int AnswerLimit)> _inFlight = new(ShadowMirror.MaxBatch);
    private PipelinedConnection? _connection;

    /// <summary>Sends <see cref="_batch"/>: runs of copies to the same http target pipelined, the others one by one.</summary>
    private async Task SendBatchAsync()
    {
        var first = 0;
        while (first < _batch.Count && !stopping.IsCancellationRequested)
        {
            var target = _batch[first].Plan.InferUri!;
            var end = first + 1;
            while (end < _batch.Count && _batch[end].Plan.InferUri == target)
            {
                end++;
            }

            if (PipelinedConnection.Serves(target))
            {
                // At most MaxBatchBytes of requests per write, so the kept buffer stays small whatever the bodies.
                for (var next = first; next < end;)
                {
                    next = await SendPipelinedAsync(target, next, end).ConfigureAwait(false);
                }
            }
            else
            {
                for (var i = first; i < end; i++)
                {
                    try
                    {
                        await SendAsync(_batch[i]).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (!stopping.IsCancellationRequested)
                    {
                        // Whatever the candidate did, the sender lives on for the next copy.
                        Fail($"the copy could not be sent or compared ({ex.GetType().Name})");
                    }
                    catch (Exception) when (stopping.IsCancellationRequested)
                    {
                        // Shutting down: the copy in flight is not worth reporting.
                    }
                }
            }

            first = end;
        }
    }

    /// <summary>
    /// Writes the requests of copies from <paramref name="first"/> on (before <paramref name="end"/>, and no more than
    /// <see cref="ShadowMirror.MaxBatchBytes"/> of them after the first) in one write and compares their answers as they
    /// come back in order; returns the index of the first copy not sent. A timeout, a broken connection or an answer
    /// that cannot be framed closes the connection and fails every copy still waiting for its answer; a kept connection
    /// that turns out closed before answering anything (the candidate dropped it while idle) is replaced once.
    /// </summary>
    private async Task<int> SendPipelinedAsync(Uri target, int first, int end)
    {
        _requests.ResetWrittenCount();
        _inFlight.Clear();
        var next = first;
        for (; next < end && (next == first || _requests.WrittenCount < ShadowMirror.MaxBatchBytes); next++)
        {
            if (Outgoing(_batch[next]) is var (body, headerLength, limit))
            {
                PipelinedConnection.WriteRequest(_requests, target, body, headerLength);
                _inFlight.Add((_batch[next], limit));
            }
        }

        if (_inFlight.Count > 0)
        {
            await ExchangeAsync(target, mayRetry: true).ConfigureAwait(false);
        }

        _inFlight.Clear();
        if (_requests.Capacity > 2 * ShadowMirror.MaxBatchBytes)
        {
            // One huge body should not pin its buffer for the sender's life.
            _requests = new ArrayBufferWriter<byte>(16 * 1024);
        }

        return next;
    }

    /// <summary>Sends the requests written for <see cref="_inFlight"/> and reads their answers in order.</summary>
    private async Task ExchangeAsync(Uri target, bool mayRetry)
    {
        var reused = _connection is { Usable: true };

        var timeout = _timeout;
        timeout.CancelAfter(options.ShadowTimeout);
        var answered = 0;
        var retry = false;
        try
        {
            var connection = await ConnectionAsync(target, timeout.Token).ConfigureAwait(false);
            await connection.SendAsync(_requests.WrittenMemory, timeout.Token).ConfigureAwait(false);
            var started = time.GetTimestamp();
            for (; answered < _inFlight.Count; answered++)
            {
                if (!connection.Usable)
                {
                    break;
                }

                // Each answer has the whole timeout from the one before: a batch never waits on a stalled answer longer.
                timeout.CancelAfter(options.ShadowTimeout);
                var (copy, limit) = _inFlight[answered];
                var answer = await connection.ReadAnswerAsync(limit, 4L * limit, timeout.Token).ConfigureAwait(false);
                Answered(copy, answer, limit, started);
            }

            FailRest(answered, "the candidate closed the connection before answering every copy sent on it");
        }
        catch (Exception) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            CloseConnection();
            FailRest(answered, $"the candidate did not answer within {options.ShadowTimeout.TotalMilliseconds} ms");
        }
        catch (PipelineBrokenException) when (mayRetry && reused && answered == 0 && !stopping.IsCancellationRequested)
        {
            CloseConnection();
            retry = true;
        }
        catch (PipelineBrokenException ex)
        {
            CloseConnection();
            FailRest(answered, ex.Message);
        }
        catch (SocketException ex)
        {
            CloseConnection();
            FailRest(answered, $"the candidate could not be reached ({ex.SocketErrorCode})");
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            // Whatever else went wrong, the copies in flight are counted and the sender lives on.
            CloseConnection();
            FailRest(answered, $"the copies could not be sent or compared ({ex.GetType().Name})");
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Shutting down: the copies in flight are not worth reporting.
            CloseConnection();
        }
        finally
        {
            if (!timeout.TryReset())
            {
                // Fired (or cancelled by the shutdown): a token source cannot be reset after that.
                _timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
                timeout.Dispose();
            }
        }

        if (retry)
        {
            await ExchangeAsync(target, mayRetry: false).ConfigureAwait(false);
        }
    }

    /// <summary>The kept connection to <paramref name="target"/>, opened again when it is gone, unusable, for another target or old.</summary>
    private async Task<PipelinedConnection> ConnectionAsync(Uri target, CancellationToken cancellationToken)
    {
        if (_connection is { Usable: true } kept && kept.Target == target && time.GetElapsedTime(kept.OpenedAt) < ShadowMirror.ConnectionLifetime)
        {
            return kept;
        }

        CloseConnection();
        _connection = await PipelinedConnection.OpenAsync(target, time.GetTimestamp(), cancellationToken).ConfigureAwait(false);
        return _connection;
    }

    private void CloseConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }

    /// <summary>Counts one answer off the pipeline: an error status, an unreadable header or a body over the limit fail the copy; else it is compared.</summary>
    private void Answered(MirrorCopy copy, PipelinedAnswer answer, int limit, long started)
    {
        if (answer.Status is < 200 or > 299)
        {
            Fail($"the candidate answered {answer.Status}");
            return;
        }

        var (headerLength, headerError) = answer.HeaderLength is null ? (-1, null) : BinaryDataExtension.HeaderLength(answer.HeaderLength);
        if (headerError is not null)
        {
            Fail("the candidate's answer has an unreadable header: " + headerError);
            return;
        }

        if (answer.Body is not { } body)
        {
            Fail($"the candidate's answer is larger than {limit} bytes");
            return;
        }

        metrics.CandidateDuration.Observe(time.GetElapsedTime(started).TotalSeconds);
        try
        {
            Compare(copy, body.Span, headerLength);
        }
        catch (ProtocolException ex)
        {
            Fail($"the candidate's answer is not an inference response: {ex.Message}");
        }
    }

    /// <summary>Fails every copy in flight from <paramref name="from"/> on, with one reason.</summary>
    private void FailRest(int from, string why)
    {
        for (var i = from; i < _inFlight.Count; i++)
        {
            Fail(why);
        }
    }
}
