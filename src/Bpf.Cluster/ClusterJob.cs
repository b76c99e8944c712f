using System.Diagnostics;
using Orleans.Runtime;

namespace Bpf.Cluster;

/// <summary>How a <see cref="ClusterJob"/> spreads its items.</summary>
public sealed record ClusterJobOptions
{
    /// <summary>Items each silo works on at once: two hide the round trip between one item and the next.</summary>
    public int SlotsPerSilo { get; init; } = 2;

    /// <summary>How long the job waits with no silo to work on before it gives up.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the membership is read to notice silos that died or joined.</summary>
    public TimeSpan MembershipPoll { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many times an item whose work threw is tried before the job fails.</summary>
    public int MaxFaults { get; init; } = 3;

    /// <summary>
    /// How often a silo is asked whether it still runs an item given to it; three answers "idle" in a
    /// row (the call was lost on the way there or back) give the item to the next free slot.
    /// </summary>
    public TimeSpan CallProbe { get; init; } = TimeSpan.FromSeconds(3);
}

/// <summary>Progress of a job: items and bytes whose results are in.</summary>
public readonly record struct ClusterJobProgress(int ItemsDone, int Items, long BytesDone, long Bytes, int Silos);

/// <summary>
/// Runs a job's items on the silos of a cluster and returns exactly one result per item. The
/// client is the coordinator: the job's state lives in the one process whose end ends the job
/// anyway, so no silo's death can lose it. Every active silo gets
/// <see cref="ClusterJobOptions.SlotsPerSilo"/> items at a time (largest first, so the last items
/// to finish are short ones); a silo that dies, or whose call fails, has its unfinished items put
/// back at the head of the queue for the others. An item's result is taken once, from whichever
/// attempt finishes first; a late answer from an attempt given up on is dropped.
/// </summary>
public static class ClusterJob
{
    /// <summary>Runs <paramref name="job"/> on every item; the results are in item order.</summary>
    /// <exception cref="ClusterUnavailableException">No silo to work on for <see cref="ClusterJobOptions.Timeout"/>.</exception>
    /// <exception cref="ClusterJobException">An item's work threw on every attempt.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static async Task<WorkResult[]> RunAsync(IGrainFactory grains, JobSpec job, IReadOnlyList<WorkItem> items,
        ClusterJobOptions? options = null, IProgress<ClusterJobProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new ClusterJobOptions();
        var results = new WorkResult?[items.Count];
        var faults = new int[items.Count];
        var pending = new LinkedList<int>(Enumerable.Range(0, items.Count).OrderByDescending(i => items[i].Length).ThenBy(i => i));
        var running = new Dictionary<Task<WorkResult>, (int Item, SiloAddress Silo, int Slot)>();
        var busy = new HashSet<(SiloAddress, int)>();
        var resting = new Dictionary<SiloAddress, long>(); // silos whose last call failed: not before this timestamp
        var live = new List<SiloAddress>();
        var management = grains.GetGrain<IManagementGrain>(0);
        long bytes = items.Sum(i => i.Length), bytesDone = 0;
        var done = 0;
        var withoutSilo = Stopwatch.StartNew();
        var sinceMembership = Stopwatch.StartNew();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation);

        try
        {
            Apply(await FetchHostsAsync(TimeSpan.Zero));
            var poll = FetchHostsAsync(options.MembershipPoll);
            while (done < items.Count)
            {
                cancellation.ThrowIfCancellationRequested();
                if (poll.IsCompleted)
                {
                    Apply(await poll);
                    poll = FetchHostsAsync(options.MembershipPoll);
                }
                Dispatch();
                if (running.Count > 0 || live.Count > 0)
                    withoutSilo.Restart();
                else if (withoutSilo.Elapsed > options.Timeout)
                    throw new ClusterUnavailableException($"no silo of the cluster answered for {options.Timeout.TotalSeconds:0.#} s; {items.Count - done} of {items.Count} inputs left undone");

                var finished = await Task.WhenAny(running.Keys.Append<Task>(poll));
                if (finished != poll)
                    Complete((Task<WorkResult>)finished);
            }
            return results!;
        }
        finally
        {
            // Calls still out (given up on, or on the way out after a failure) are told to stop.
            cancel.Cancel();
            foreach (var call in running.Keys)
                Forget(call);
        }

        // Hands out items to every free slot of every live silo that is not resting after a failure.
        void Dispatch()
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var silo in live)
            {
                if (resting.TryGetValue(silo, out var until) && until > now)
                    continue;
                for (var slot = 0; slot < options.SlotsPerSilo; slot++)
                {
                    if (busy.Contains((silo, slot)) || NextPending() is not { } item)
                        continue;
                    busy.Add((silo, slot));
                    var grain = grains.GetGrain<IWorkerGrain>(SiloPinnedPlacement.Key(silo, slot));
                    running.Add(Watched(grain, items[item]), (item, silo, slot));
                }
            }
        }

        // Takes an item's result once; a failed call puts the item back for another silo.
        void Complete(Task<WorkResult> call)
        {
            var (index, from, fromSlot) = running[call];
            running.Remove(call);
            busy.Remove((from, fromSlot));
            if (call.IsCompletedSuccessfully && call.Result.Fault is null)
            {
                if (results[index] is null)
                {
                    results[index] = call.Result;
                    done++;
                    bytesDone += items[index].Length;
                    progress?.Report(new ClusterJobProgress(done, items.Count, bytesDone, bytes, live.Count));
                }
                resting.Remove(from);
                return;
            }
            // The host's work threw: maybe this node's disk, maybe a bug; a few tries, then say so.
            if (call.IsCompletedSuccessfully && ++faults[index] >= options.MaxFaults)
                throw new ClusterJobException($"{items[index].Path}: {call.Result.Fault} (on {faults[index]} attempts)");
            cancellation.ThrowIfCancellationRequested();
            // Otherwise the call failed (the silo died or refused): the silo rests a second, the item goes to whoever is free.
            resting[from] = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            if (results[index] is null)
                pending.AddFirst(index);
        }

        // Takes the membership read: items on silos that left go back to the head of the queue.
        void Apply(Dictionary<SiloAddress, SiloStatus>? hosts)
        {
            if (hosts is null)
            {
                // No gateway answered: keep working with what we know, unless that has lasted too long.
                if (sinceMembership.Elapsed > options.Timeout)
                    throw new ClusterUnavailableException($"no silo of the cluster answered for {options.Timeout.TotalSeconds:0.#} s; {items.Count - done} of {items.Count} inputs left undone");
                return;
            }
            sinceMembership.Restart();
            live.Clear();
            live.AddRange(hosts.Keys.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal));
            foreach (var (call, (item, silo, slot)) in running.ToArray())
            {
                if (hosts.ContainsKey(silo))
                    continue;
                running.Remove(call);
                busy.Remove((silo, slot));
                Forget(call);
                if (results[item] is null)
                    pending.AddFirst(item);
            }
        }

        // The item's call, failed when the slot says three times in a row that it is idle: Orleans
        // loses a call whose request or answer went through a gateway that died, and would wait for
        // its (long) response timeout. A silo that stops answering is left to membership.
        async Task<WorkResult> Watched(IWorkerGrain grain, WorkItem item)
        {
            var call = grain.Run(job, item, cancel.Token);
            var idle = 0;
            while (true)
            {
                if (await Task.WhenAny(call, Task.Delay(options.CallProbe, cancel.Token)) == call)
                    return await call;
                WorkerState state;
                try
                {
                    state = await grain.Probe(job.JobId, item.Index).WaitAsync(options.CallProbe, cancel.Token);
                }
                catch (Exception) when (!cancel.IsCancellationRequested)
                {
                    continue;
                }
                idle = state == WorkerState.Idle ? idle + 1 : 0;
                if (idle >= 3 && !call.IsCompleted)
                {
                    Forget(call);
                    throw new TimeoutException($"{item.Path}: the call to {grain.GetPrimaryKeyString()} was lost");
                }
            }
        }

        async Task<Dictionary<SiloAddress, SiloStatus>?> FetchHostsAsync(TimeSpan delay)
        {
            if (delay > TimeSpan.Zero)
                await Task.Delay(delay, cancellation);
            try
            {
                // A gateway that died with the call in flight must not hold the job up.
                return await management.GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), cancellation);
            }
            catch (Exception) when (!cancellation.IsCancellationRequested)
            {
                // No gateway answered: no silo to work on until one does.
                return null;
            }
        }

        int? NextPending()
        {
            while (pending.First is { } first)
            {
                pending.RemoveFirst();
                if (results[first.Value] is null)
                    return first.Value;
            }
            return null;
        }

        static void Forget(Task call) => call.ContinueWith(static t => t.Exception, TaskScheduler.Default);
    }
}
