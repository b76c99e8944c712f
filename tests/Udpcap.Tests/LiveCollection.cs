namespace Udpcap.Tests;

/// <summary>Live tests run one at a time: they share the host's interfaces and capture on them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveCollection
{
    public const string Name = "live capture";
}
