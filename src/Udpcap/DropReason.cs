namespace Udpcap;

/// <summary>Why the stack did not deliver a captured packet or datagram; each has a counter in <see cref="UdpcapStatistics"/>.</summary>
public enum DropReason
{
    /// <summary>The frame does not carry IPv4 (ARP, IPv6, another link type): ignored, not an error.</summary>
    NotIpv4,
    /// <summary>The link-layer header is cut short.</summary>
    MalformedFrame,
    /// <summary>The IPv4 header is invalid: version, IHL below 5, total length below the header or beyond the frame (RFC 791 3.1).</summary>
    BadIpHeader,
    /// <summary>The IPv4 header checksum does not verify (RFC 791 3.1, RFC 1071).</summary>
    BadIpChecksum,
    /// <summary>An IPv4 packet of another protocol than UDP.</summary>
    NotUdp,
    /// <summary>The capture's snapshot length cut the datagram: it is never delivered short.</summary>
    Truncated,
    /// <summary>The UDP length field is below 8 or beyond the IP payload (RFC 768).</summary>
    BadUdpHeader,
    /// <summary>A non-zero UDP checksum does not verify over the pseudo-header (RFC 768).</summary>
    BadUdpChecksum,
    /// <summary>A fragment is invalid: a non-last fragment whose length is not a multiple of 8, or past 65535 bytes (RFC 791).</summary>
    BadFragment,
    /// <summary>A fragment overlaps received data with different bytes, or disagrees on the total length: the whole datagram is dropped.</summary>
    FragmentConflict,
    /// <summary>A fragment brought no new bytes (an exact or contained duplicate with equal bytes); only the fragment is dropped.</summary>
    DuplicateFragment,
    /// <summary>A datagram's fragments did not all arrive within the reassembly age limit (capture time).</summary>
    ReassemblyTimeout,
    /// <summary>A datagram in reassembly was evicted, or a fragment refused, to keep the in-flight count and bytes bounded.</summary>
    ReassemblyLimit,
    /// <summary>The capture filter (run in managed code) rejected the packet.</summary>
    Filtered,
    /// <summary>No socket is bound to the datagram's destination address and port.</summary>
    NoReceiver,
    /// <summary>A multicast datagram sent by this host reached a socket with multicast loopback off.</summary>
    MulticastLoopback,
    /// <summary>A socket's receive buffer was full (counted once per socket that missed the datagram).</summary>
    ReceiveBufferFull,
}
