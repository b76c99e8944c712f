using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Bpf.Cluster.Tests;

/// <summary>
/// The scheduler and the worker grain on Orleans' in-process test cluster: every item's result is
/// taken exactly once, in item order, whatever silos die; bad input is reported, not retried.
/// The work here is the test's own (it records where each item ran and can hold items on one silo
/// until that silo is killed); the real per-file work runs in the end-to-end tests.
/// </summary>
public sealed class ClusterJobTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;
    private readonly RecordingWork.Shared _shared = new();

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        var shared = _shared;
        builder.ConfigureSilo((_, silo) =>
        {
            ClusterSilo.ConfigureWorker(silo);
            silo.Services.AddSingleton<IClusterWork>(sp => new RecordingWork(sp.GetRequiredService<ILocalSiloDetails>().SiloAddress, shared));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        _shared.Release.TrySetResult();
        await _cluster.DisposeAsync();
    }

    private static WorkItem[] Items(int count) =>
        Enumerable.Range(0, count).Select(i => new WorkItem(i, $"file{i}.pcap", 1000 + (i % 7), null)).ToArray();

    private static JobSpec Job() => new(Guid.NewGuid(), "test", []);

    [Fact]
    public async Task RunAsync_ManyItems_OneResultPerItemInItemOrder()
    {
        var items = Items(40);
        var results = await ClusterJob.RunAsync(_cluster.Client, Job(), items);

        Assert.Equal(items.Select(i => (long)i.Index * 10), results.Select(r => r.Packets));
        Assert.All(items, i => Assert.Equal(1, _shared.Runs(i.Index)));
        // Pinned placement spreads the slots over the silos: all three worked.
        Assert.Equal(3, results.Select(r => r.Silo).Distinct().Count());
    }

    [Fact]
    public async Task RunAsync_SiloKilledMidJob_ItsItemsRedoneElsewhereAndTakenOnce()
    {
        var victim = _cluster.Silos[1];
        _shared.HoldOn = victim.SiloAddress;
        var items = Items(30);
        var job = ClusterJob.RunAsync(_cluster.Client, Job(), items, new ClusterJobOptions { Timeout = TimeSpan.FromSeconds(60) });

        await _shared.Held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await _cluster.KillSiloAsync(victim);
        var results = await job.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(items.Select(i => (long)i.Index * 10), results.Select(r => r.Packets));
        Assert.DoesNotContain(victim.SiloAddress.ToParsableString(), results.Select(r => r.Silo));
        // The held items were started on the victim and done again elsewhere.
        Assert.Contains(items, i => _shared.Runs(i.Index) >= 2);
    }

    [Fact]
    public async Task RunAsync_BadInput_ReportedOnceNotRetried()
    {
        _shared.BadInput = 5;
        var results = await ClusterJob.RunAsync(_cluster.Client, Job(), Items(12));

        Assert.Equal("file5.pcap: bad", results[5].Failure);
        Assert.Equal(1, _shared.Runs(5));
        Assert.All(results.Where((_, i) => i != 5), r => Assert.Null(r.Failure));
    }

    [Fact]
    public async Task RunAsync_WorkThrowsEveryTime_FailsAfterMaxFaults()
    {
        _shared.Throws = 2;
        var e = await Assert.ThrowsAsync<ClusterJobException>(() =>
            ClusterJob.RunAsync(_cluster.Client, Job(), Items(6), new ClusterJobOptions { MaxFaults = 3 }));

        Assert.Contains("file2.pcap", e.Message);
        Assert.Contains("disk on fire", e.Message);
        Assert.Equal(3, _shared.Runs(2));
    }

    [Fact]
    public async Task RunAsync_AllSilosGone_GivesUpAfterTimeout()
    {
        foreach (var silo in _cluster.Silos.ToArray())
            await _cluster.KillSiloAsync(silo);
        var e = await Assert.ThrowsAsync<ClusterUnavailableException>(() =>
            ClusterJob.RunAsync(_cluster.Client, Job(), Items(3), new ClusterJobOptions { Timeout = TimeSpan.FromSeconds(3) })
                .WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("no silo", e.Message);
    }
}

/// <summary>Work that records each run and answers <c>Packets = 10 * index</c>.</summary>
internal sealed class RecordingWork(SiloAddress silo, RecordingWork.Shared shared) : IClusterWork
{
    public sealed class Shared
    {
        public ConcurrentDictionary<int, int> RunCounts { get; } = new();
        public SiloAddress? HoldOn { get; set; }
        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int BadInput { get; set; } = -1;
        public int Throws { get; set; } = -1;

        public int Runs(int index) => RunCounts.GetValueOrDefault(index);
    }

    public WorkResult Run(JobSpec job, WorkItem item, CancellationToken cancellation)
    {
        shared.RunCounts.AddOrUpdate(item.Index, 1, (_, n) => n + 1);
        if (item.Index == shared.Throws)
            throw new IOException("disk on fire");
        if (item.Index == shared.BadInput)
            return new WorkResult { Failure = $"{item.Path}: bad" };
        if (silo.Equals(shared.HoldOn))
        {
            // Held until the silo is killed (its threads live on in-process: the test releases them at the end).
            shared.Held.TrySetResult();
            shared.Release.Task.Wait();
        }
        return new WorkResult { Packets = 10L * item.Index };
    }
}
