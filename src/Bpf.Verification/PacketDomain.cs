namespace Bpf.Verification;

/// <summary>Which packets an equivalence quantifies over.</summary>
public enum PacketDomain
{
    /// <summary>Every packet: any captured length up to the snapshot length, any wire length at least that.</summary>
    All = 0,

    /// <summary>
    /// Packets on which neither program ends early (a load past the captured bytes, a division by an X
    /// of 0). libpcap's optimizer deletes loads whose value it does not need (<c>net 0.0.0.0/0</c> tests
    /// <c>addr &amp; 0 == 0</c>), so on a packet too short for the deleted load -O accepts what -O0 rejects;
    /// over this domain such programs are still equivalent.
    /// </summary>
    InBounds,
}
