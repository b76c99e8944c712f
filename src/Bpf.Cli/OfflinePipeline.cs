using System.Runtime.ExceptionServices;
using Bpf.Vm;
using Capture.Pcapfile;

namespace Bpf.Cli;

/// <summary>
/// Offline processing on every core with results in input order. Each of the threads (the caller's
/// among them; by default one per core but one, which the reader's read-ahead keeps busy copying
/// the file) takes turns reading the next <see cref="PacketBatch"/> from the files, runs
/// the work (the filters) on it in parallel with the others, and hands it to the delivery (output,
/// counts), which sees the batches one at a time in the order they were read. At most
/// <see cref="Depth"/> batches (about 512 KiB each) exist at once, so memory does not grow with
/// the input; no thread waits on another except to read or deliver in turn. Delivery also does
/// what every offline command does: one progress bar per file, and the file's failure rethrown.
/// </summary>
/// <typeparam name="TState">
/// What a command's work keeps per batch for its delivery (verdicts, counts, a table): one per batch in
/// flight, made by the pipeline and reused with its batch.
/// </typeparam>
internal sealed class OfflinePipeline<TState>
    where TState : class
{
    private readonly IReadOnlyList<string> _paths;
    private readonly CliContext _context;
    private readonly Action<InputShape>? _opened;
    private readonly Func<TState> _newState;
    private readonly object _readLock = new();
    private readonly object _deliverLock = new();
    private readonly PipelineItem<TState>?[] _done;
    private readonly Stack<PipelineItem<TState>> _free = new();

    // Reader state (under _readLock).
    private CaptureFileReader? _reader;
    private InputShape _input;
    private int _fileIndex = -1;
    private long _nextSequence;
    private bool _readerFinished;

    // Delivery state (under _deliverLock).
    private long _nextDelivery;
    private bool _stopped;
    private ExceptionDispatchInfo? _failure;

    /// <param name="paths">The files, read in this order (<c>-</c>: standard input).</param>
    /// <param name="newState">Makes the state of a new batch (called once per batch the pipeline allocates; batches are reused).</param>
    /// <param name="context">Where standard input, the progress bars and cancellation (Ctrl-C) come from.</param>
    /// <param name="threads">
    /// How many threads work (default: one per core but one; measured on 2 cores, a second worker
    /// only competes with the read-ahead: 238 ms vs 262 ms median for 1 GB).
    /// </param>
    /// <param name="opened">
    /// Told each file's header as soon as the file is opened, before its first batch is read: the
    /// command starts compiling its filters for it then, overlapping the compile with the reading.
    /// </param>
    public OfflinePipeline(IReadOnlyList<string> paths, Func<TState> newState, CliContext context, int? threads = null, Action<InputShape>? opened = null)
    {
        _paths = paths;
        _newState = newState;
        _context = context;
        _opened = opened;
        Threads = Math.Max(1, threads ?? Environment.ProcessorCount - 1);
        Depth = 4 * Threads;
        _done = new PipelineItem<TState>?[Depth];
    }

    /// <summary>How many threads work, the caller's included.</summary>
    public int Threads { get; }

    /// <summary>How many batches may exist at once (read, in work, or waiting to be delivered).</summary>
    public int Depth { get; }

    /// <summary>
    /// Runs <paramref name="work"/> on every batch (any thread, in parallel) and then
    /// <paramref name="deliver"/> on each (one at a time, in input order; told whether the batch is
    /// its file's first) until the files end, a damaged file stops the run, or cancellation. A batch
    /// is recycled after delivery, so its packets must not be kept.
    /// </summary>
    /// <returns>Null, or where and why a damaged file stopped the run (everything before it was delivered).</returns>
    /// <exception cref="Exception">
    /// Why a file could not be opened or read, or whatever <paramref name="work"/> or
    /// <paramref name="deliver"/> threw, rethrown here after all threads stopped.
    /// </exception>
    public string? Run(Action<PipelineItem<TState>> work, Action<PipelineItem<TState>, bool> deliver)
    {
        ProgressBar? progress = null;
        var fileIndex = -1;
        long delivered = 0;
        string? stoppedAt = null;
        try
        {
            RunThreads(work, item =>
            {
                item.Failure?.Throw();
                var first = item.FileIndex != fileIndex;
                if (first)
                {
                    progress?.Dispose();
                    progress = new ProgressBar(_context, item.Input.Length);
                    fileIndex = item.FileIndex;
                }
                deliver(item, first);
                delivered += item.Batch.Count;
                progress!.Report(item.Batch.EndPosition, delivered);
                // What was read and written so far stays; say where the file stopped being readable.
                if (item.Batch.Error is { } error)
                    stoppedAt = $"{item.Path}: {error.Message}; processed {delivered} packets before it";
            });
        }
        finally
        {
            progress?.Dispose();
        }
        return stoppedAt;
    }

    private void RunThreads(Action<PipelineItem<TState>> work, Action<PipelineItem<TState>> deliver)
    {
        var helpers = new Thread[Threads - 1];
        for (var i = 0; i < helpers.Length; i++)
        {
            helpers[i] = new Thread(() => Loop(work, deliver)) { IsBackground = true, Name = $"bpf worker {i + 1}" };
            helpers[i].Start();
        }
        try
        {
            Loop(work, deliver);
        }
        finally
        {
            foreach (var helper in helpers)
                helper.Join();
            _reader?.Dispose();
        }
        _failure?.Throw();
    }

    private void Loop(Action<PipelineItem<TState>> work, Action<PipelineItem<TState>> deliver)
    {
        while (Next() is { } item)
        {
            if (item.Failure is null)
            {
                try
                {
                    work(item);
                }
                catch (Exception e)
                {
                    item.Failure = ExceptionDispatchInfo.Capture(e);
                }
            }
            Complete(item, deliver);
        }
    }

    /// <summary>Reads the next batch, or returns null when there is nothing more to do.</summary>
    private PipelineItem<TState>? Next()
    {
        lock (_readLock)
        {
            lock (_deliverLock)
            {
                // Do not run ahead of delivery by more than the batches allowed to exist.
                while (!_stopped && _nextSequence - _nextDelivery >= Depth)
                    Monitor.Wait(_deliverLock);
                if (_stopped)
                    return null;
            }
            if (_readerFinished)
                return null;
            if (_context.Cancellation.IsCancellationRequested)
            {
                Stop(null);
                return null;
            }
            var item = Rent();
            try
            {
                while (true)
                {
                    if (_reader is null)
                    {
                        if (++_fileIndex == _paths.Count)
                        {
                            _readerFinished = true;
                            Return(item);
                            return null;
                        }
                        _reader = InputFiles.Open(_paths[_fileIndex], _context);
                        _input = new InputShape(_reader.Format, _reader.LinkType, _reader.Snaplen, _reader.TimestampPrecision, _reader.Length ?? 0,
                            Swapped: _reader.BigEndian == BitConverter.IsLittleEndian);
                        _opened?.Invoke(_input);
                    }
                    item.Path = _paths[_fileIndex];
                    item.FileIndex = _fileIndex;
                    item.Input = _input;
                    if (_reader.ReadBatch(item.Batch))
                        break;
                    _reader.Dispose();
                    _reader = null;
                }
                if (item.Batch.Error is not null)
                    _readerFinished = true;
            }
            catch (Exception e)
            {
                // The file could not be opened or read: delivered in turn, it ends the run there.
                item.Path = _paths[Math.Min(_fileIndex, _paths.Count - 1)];
                // A file that is not a capture: say which one.
                item.Failure = ExceptionDispatchInfo.Capture(
                    e is InvalidDataException ? new InvalidDataException($"{item.Path}: {e.Message}", e) : e);
                _readerFinished = true;
            }
            item.Sequence = _nextSequence++;
            return item;
        }
    }

    /// <summary>Queues a finished item and delivers every item now next in order.</summary>
    private void Complete(PipelineItem<TState> item, Action<PipelineItem<TState>> deliver)
    {
        lock (_deliverLock)
        {
            _done[item.Sequence % Depth] = item;
            while (!_stopped && _done[_nextDelivery % Depth] is { } next && next.Sequence == _nextDelivery)
            {
                _done[_nextDelivery % Depth] = null;
                try
                {
                    deliver(next);
                }
                catch (Exception e)
                {
                    Stop(ExceptionDispatchInfo.Capture(e));
                }
                if (next.Failure is not null || next.Batch.Error is not null)
                    Stop(null);
                _nextDelivery++;
                Return(next);
                Monitor.PulseAll(_deliverLock);
            }
        }
    }

    private void Stop(ExceptionDispatchInfo? failure)
    {
        lock (_deliverLock)
        {
            _failure ??= failure;
            _stopped = true;
            Monitor.PulseAll(_deliverLock);
        }
    }

    private PipelineItem<TState> Rent()
    {
        lock (_free)
            return _free.TryPop(out var item) ? item : new PipelineItem<TState>(_newState());
    }

    private void Return(PipelineItem<TState> item)
    {
        item.Batch.Release();
        item.Failure = null;
        lock (_free)
            _free.Push(item);
    }
}

/// <summary>One batch on its way through an <see cref="OfflinePipeline{TState}"/>.</summary>
/// <param name="state">What the command's work keeps for this batch's delivery.</param>
internal sealed class PipelineItem<TState>(TState state)
{
    /// <summary>The packets.</summary>
    public PacketBatch Batch { get; } = new();

    /// <summary>The position of the batch in the run.</summary>
    public long Sequence { get; set; }

    /// <summary>The file they came from.</summary>
    public string Path { get; set; } = "";

    /// <summary>The index of that file in the input list.</summary>
    public int FileIndex { get; set; }

    /// <summary>What the file says of itself: filters are compiled for its snapshot length, an output file takes its shape.</summary>
    public InputShape Input { get; set; }

    /// <summary>What the command's work keeps per batch for its delivery (reused with the item).</summary>
    public TState State { get; } = state;

    /// <summary>Set when opening or reading the file, or the work on the batch, failed; delivery rethrows it.</summary>
    public ExceptionDispatchInfo? Failure { get; set; }
}

/// <summary>The header facts of an input file that outlive its reader.</summary>
internal readonly record struct InputShape(CaptureFileFormat Format, LinkType LinkType, int Snaplen, TimestampPrecision Precision, long Length, bool Swapped = false);
