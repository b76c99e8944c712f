// Each test class starts silos (in-process or processes) and a silo is slow to start on a busy
// machine: classes run one after another so their clusters do not starve each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
