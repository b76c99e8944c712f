namespace Udpcap;

/// <summary>How strictly UDP checksums are checked.</summary>
public enum UdpChecksumPolicy
{
    /// <summary>A non-zero checksum must verify (RFC 768); zero means "none".</summary>
    Verify,
    /// <summary>
    /// Like <see cref="Verify"/>, but also accepts a checksum field holding only the pseudo-header sum: what
    /// Linux leaves in packets it hands to checksum offload (loopback, veth), which a capture on that
    /// interface sees before any checksum was computed.
    /// </summary>
    VerifyOrOffloadPending,
    /// <summary>UDP checksums are not checked.</summary>
    Ignore,
}

/// <summary>Settings of a capture's IPv4/UDP stack.</summary>
public sealed record UdpcapOptions
{
    /// <summary>The defaults: header checksums checked, 5 s reassembly age, 64 datagrams / 4 MiB in reassembly.</summary>
    public static UdpcapOptions Default { get; } = new();

    /// <summary>Check the IPv4 header checksum (RFC 791). On by default.</summary>
    public bool VerifyIpChecksum { get; init; } = true;

    /// <summary>How UDP checksums are checked.</summary>
    public UdpChecksumPolicy UdpChecksum { get; init; } = UdpChecksumPolicy.Verify;

    /// <summary>How long, in capture time, a datagram may wait for its fragments.</summary>
    public TimeSpan ReassemblyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>At most this many datagrams in reassembly at once; the oldest is evicted beyond it.</summary>
    public int MaxDatagramsInReassembly { get; init; } = 64;

    /// <summary>At most this many buffer bytes held by reassembly.</summary>
    public long MaxReassemblyBytes { get; init; } = 4 << 20;

    /// <summary>
    /// Addresses of this host, whose multicast datagrams sockets with multicast loopback off do not receive.
    /// 127.0.0.0/8 always counts as this host. Live captures add the addresses of every local interface.
    /// </summary>
    public IReadOnlyList<System.Net.IPAddress> OwnAddresses { get; init; } = [];

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReassemblyTimeout, TimeSpan.Zero, nameof(ReassemblyTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDatagramsInReassembly, 1, nameof(MaxDatagramsInReassembly));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReassemblyBytes, 65536, nameof(MaxReassemblyBytes));
        if (!Enum.IsDefined(UdpChecksum))
            throw new ArgumentOutOfRangeException(nameof(UdpChecksum), UdpChecksum, "unknown policy");
    }
}
