using Bpf.Vm;

namespace Bpf.Compiler.Syntax;

// The immutable syntax tree of a filter expression. There is one node kind per grammar action of
// libpcap's grammar.y.in that calls a gen_* function, carrying exactly the arguments that action
// passes (qualifiers already resolved by the grammar's inheritance). Names are not resolved here.
// Position is the zero-based offset of the token that identifies the node (the id, the keyword,
// the operator), so later passes can report errors where libpcap's would point.

/// <summary>A boolean filter expression (a node of <c>expr</c> / <c>term</c> / <c>id</c>).</summary>
/// <param name="Position">Offset of the token that identifies the node.</param>
internal abstract record FilterExpression(int Position);

/// <summary>The empty (or whitespace-only) expression: libpcap accepts it and it matches every packet.</summary>
internal sealed record EmptyExpression(int Position) : FilterExpression(Position);

/// <summary><c>a and b</c>, <c>a &amp;&amp; b</c> (gen_and); Position is the operator's.</summary>
internal sealed record AndExpression(FilterExpression Left, FilterExpression Right, int Position) : FilterExpression(Position);

/// <summary><c>a or b</c>, <c>a || b</c> (gen_or); Position is the operator's.</summary>
internal sealed record OrExpression(FilterExpression Left, FilterExpression Right, int Position) : FilterExpression(Position);

/// <summary><c>not a</c>, <c>! a</c> (gen_not); Position is the operator's.</summary>
internal sealed record NotExpression(FilterExpression Operand, int Position) : FilterExpression(Position);

// ---- ids (nid / pnum): the qualifiers are the inherited ones ----

/// <summary>A name or other ID token: <c>host foo</c>, <c>port ftp</c>, <c>portrange 1-2</c>, <c>net 10</c>-style words (gen_scode).</summary>
internal sealed record NameId(Qualifiers Qualifiers, string Name, int Position) : FilterExpression(Position);

/// <summary>A number id: <c>port 80</c>, <c>proto 6</c>, <c>dst 1</c> (gen_ncode with no string).</summary>
internal sealed record NumberId(Qualifiers Qualifiers, uint Number, int Position) : FilterExpression(Position);

/// <summary>A dotted IPv4 id with 2-4 parts: <c>host 10.0.0.1</c>, <c>net 192.168.1</c> (gen_ncode with the text).</summary>
internal sealed record HostId(Qualifiers Qualifiers, string Address, int Position) : FilterExpression(Position);

/// <summary>
/// An IPv4 network with a mask: <c>net 10.0.0.0/8</c> (Mask null, PrefixLength 8) or
/// <c>net 10.0.0.0 mask 255.0.0.0</c> (Mask text, PrefixLength 0) (gen_mcode).
/// </summary>
internal sealed record MaskedHostId(Qualifiers Qualifiers, string Address, string? Mask, uint PrefixLength, int Position) : FilterExpression(Position);

/// <summary>An IPv6 address, with a prefix length (128 when none is written): <c>host ::1</c>, <c>net fe80::/10</c> (gen_mcode6).</summary>
internal sealed record Ipv6Id(Qualifiers Qualifiers, string Address, uint PrefixLength, int Position) : FilterExpression(Position);

/// <summary>A MAC address as written, in any scanner spelling: <c>ether host 00:11:22:33:44:55</c>, <c>0011.2233.4455</c> (gen_ecode).</summary>
internal sealed record MacId(Qualifiers Qualifiers, string Address, int Position) : FilterExpression(Position);

/// <summary>An ARCnet address including its <c>$</c>: <c>link host $1f</c> (gen_acode).</summary>
internal sealed record ArcnetId(Qualifiers Qualifiers, string Address, int Position) : FilterExpression(Position);

// ---- rterm alternatives ----

/// <summary>A bare protocol name: <c>tcp</c>, <c>ip6</c>, <c>l1</c> (gen_proto_abbrev).</summary>
internal sealed record ProtoAbbreviation(ProtoQualifier Proto, int Position) : FilterExpression(Position);

/// <summary>
/// <c>arth relop arth</c> (gen_relation): <c>ip[0] &gt; 4</c> is (Greater, false), <c>ip[0] &lt;= 4</c> is (Greater, true).
/// Position is the relational operator's.
/// </summary>
internal sealed record Relation(RelationTest Test, bool Reversed, ArithExpression Left, ArithExpression Right, int Position) : FilterExpression(Position);

/// <summary><c>broadcast</c>, <c>ether broadcast</c>, <c>ip broadcast</c> (gen_broadcast with the protocol qualifier).</summary>
internal sealed record BroadcastExpression(ProtoQualifier Proto, int Position) : FilterExpression(Position);

/// <summary><c>multicast</c>, <c>ip6 multicast</c> (gen_multicast with the protocol qualifier).</summary>
internal sealed record MulticastExpression(ProtoQualifier Proto, int Position) : FilterExpression(Position);

/// <summary><c>less 100</c> (gen_less).</summary>
internal sealed record LessExpression(uint Length, int Position) : FilterExpression(Position);

/// <summary><c>greater 100</c> (gen_greater).</summary>
internal sealed record GreaterExpression(uint Length, int Position) : FilterExpression(Position);

/// <summary><c>byte 3 &amp; 0x10</c> (gen_byteop(op, offset, value)).</summary>
internal sealed record ByteExpression(ByteOperator Operator, uint Offset, uint Value, int Position) : FilterExpression(Position);

/// <summary><c>inbound</c> (Outbound false) or <c>outbound</c> (Outbound true) (gen_inbound).</summary>
internal sealed record InboundExpression(bool Outbound, int Position) : FilterExpression(Position);

/// <summary><c>ifindex 3</c> (gen_ifindex).</summary>
internal sealed record IfIndexExpression(uint Index, int Position) : FilterExpression(Position);

/// <summary><c>vlan</c> (Id null) or <c>vlan 100</c> (gen_vlan(id, has_id)).</summary>
internal sealed record VlanExpression(uint? Id, int Position) : FilterExpression(Position);

/// <summary><c>mpls</c> (Label null) or <c>mpls 42</c> (gen_mpls).</summary>
internal sealed record MplsExpression(uint? Label, int Position) : FilterExpression(Position);

/// <summary><c>pppoed</c> (gen_pppoed).</summary>
internal sealed record PppoedExpression(int Position) : FilterExpression(Position);

/// <summary><c>pppoes</c> (SessionId null) or <c>pppoes 7</c> (gen_pppoes).</summary>
internal sealed record PppoesExpression(uint? SessionId, int Position) : FilterExpression(Position);

/// <summary><c>geneve</c> (Vni null) or <c>geneve 10</c> (gen_geneve).</summary>
internal sealed record GeneveExpression(uint? Vni, int Position) : FilterExpression(Position);

/// <summary><c>vxlan</c> (Vni null) or <c>vxlan 10</c> (the head's gen_vxlan).</summary>
internal sealed record VxlanExpression(uint? Vni, int Position) : FilterExpression(Position);

// ---- pflog (pfvar) ----

/// <summary><c>on eth0</c>, <c>ifname eth0</c> (gen_pf_ifname).</summary>
internal sealed record PfIfNameExpression(string Interface, int Position) : FilterExpression(Position);

/// <summary><c>rset name</c>, <c>ruleset name</c> (gen_pf_ruleset).</summary>
internal sealed record PfRulesetExpression(string Ruleset, int Position) : FilterExpression(Position);

/// <summary><c>rnr 3</c>, <c>rulenum 3</c> (gen_pf_rnr).</summary>
internal sealed record PfRuleNumberExpression(uint Rule, int Position) : FilterExpression(Position);

/// <summary><c>srnr 3</c>, <c>subrulenum 3</c> (gen_pf_srnr).</summary>
internal sealed record PfSubruleNumberExpression(uint Rule, int Position) : FilterExpression(Position);

/// <summary><c>reason 2</c>, <c>reason fragment</c>, already turned into the number by the grammar (gen_pf_reason).</summary>
internal sealed record PfReasonExpression(int Reason, int Position) : FilterExpression(Position);

/// <summary><c>action pass</c>, already turned into the number by the grammar (gen_pf_action).</summary>
internal sealed record PfActionExpression(int Action, int Position) : FilterExpression(Position);

// ---- 802.11 (p80211; a preceding protocol qualifier is accepted and ignored by the grammar) ----

/// <summary>
/// <c>type mgt</c> (Value 0x00, Mask 0x0c), <c>type data subtype null</c>, <c>subtype beacon</c>
/// (Mask 0xfc): the frame-control byte masked and compared (gen_p80211_type).
/// </summary>
internal sealed record Ieee80211TypeExpression(uint Value, uint Mask, int Position) : FilterExpression(Position)
{
    /// <summary>The error libpcap 1.10 gives for a subtype name only the head knows (<c>subtype bar</c>); null otherwise.</summary>
    public string? V110Error { get; init; }
}

/// <summary><c>dir tods</c>, <c>dir 2</c> (gen_p80211_fcdir).</summary>
internal sealed record Ieee80211DirExpression(uint Direction, int Position) : FilterExpression(Position);

// ---- LLC (pllc) ----

/// <summary><c>llc</c> (gen_llc).</summary>
internal sealed record LlcExpression(int Position) : FilterExpression(Position);

/// <summary><c>llc i</c> (gen_llc_i).</summary>
internal sealed record LlcIFrameExpression(int Position) : FilterExpression(Position);

/// <summary><c>llc s</c> (gen_llc_s).</summary>
internal sealed record LlcSFrameExpression(int Position) : FilterExpression(Position);

/// <summary><c>llc u</c> (gen_llc_u).</summary>
internal sealed record LlcUFrameExpression(int Position) : FilterExpression(Position);

/// <summary><c>llc rr</c>, <c>llc rnr</c>, <c>llc rej</c>: the LLC_* control value (gen_llc_s_subtype).</summary>
internal sealed record LlcSSubtypeExpression(uint Subtype, int Position) : FilterExpression(Position);

/// <summary><c>llc ui</c>, <c>llc sabme</c>, <c>llc xid</c>...: the LLC_* control value (gen_llc_u_subtype).</summary>
internal sealed record LlcUSubtypeExpression(uint Subtype, int Position) : FilterExpression(Position);

// ---- SunATM and MTP2/MTP3 ----

/// <summary><c>lane</c>, <c>metac</c>, <c>bcc</c>, <c>oamf4ec</c>, <c>oamf4sc</c>, <c>sc</c>, <c>ilmic</c> (gen_atmtype_abbrev).</summary>
internal sealed record AtmTypeExpression(AtmAbbreviation Type, int Position) : FilterExpression(Position);

/// <summary><c>oam</c>, <c>oamf4</c>, <c>connectmsg</c>, <c>metaconnect</c> (gen_atmmulti_abbrev).</summary>
internal sealed record AtmMultiTypeExpression(AtmAbbreviation Type, int Position) : FilterExpression(Position);

/// <summary>
/// <c>vpi 3</c> (Equal, false), <c>vci &gt; 32</c>, <c>vpi != 0</c> (Equal, true); a list
/// <c>vci (1 or 2)</c> becomes an <see cref="OrExpression"/> of these (gen_atmfield_code).
/// </summary>
internal sealed record AtmFieldExpression(AtmField Field, uint Value, RelationTest Test, bool Reversed, int Position) : FilterExpression(Position);

/// <summary><c>fisu</c>, <c>lssu</c>, <c>msu</c>, <c>hfisu</c>, <c>hlssu</c>, <c>hmsu</c> (gen_mtp2type_abbrev).</summary>
internal sealed record Mtp2TypeExpression(Mtp2Type Type, int Position) : FilterExpression(Position);

/// <summary><c>sio 3</c>, <c>dpc &gt; 10</c>, <c>opc (1 or 2)</c> as for ATM fields (gen_mtp3field_code).</summary>
internal sealed record Mtp3FieldExpression(Mtp3Field Field, uint Value, RelationTest Test, bool Reversed, int Position) : FilterExpression(Position);

// ---- arithmetic (arth / narth) ----

/// <summary>An arithmetic expression: an operand of a <see cref="Relation"/>.</summary>
/// <param name="Position">Offset of the token that identifies the node.</param>
internal abstract record ArithExpression(int Position);

/// <summary>A number: <c>4</c>, <c>0x10</c>, <c>tcpflags</c>, <c>icmp-echo</c> (gen_loadi).</summary>
internal sealed record ConstantArith(uint Value, int Position) : ArithExpression(Position);

/// <summary>
/// <c>proto[index]</c> (Size 1) or <c>proto[index:size]</c> with the size as written (gen_load
/// checks that it is 1, 2 or 4). Position is the protocol name's.
/// </summary>
internal sealed record LoadArith(ProtoQualifier Proto, ArithExpression Index, uint Size, int Position) : ArithExpression(Position);

/// <summary><c>a + b</c> and the other binary operators (gen_arth); Position is the operator's.</summary>
internal sealed record BinaryArith(ArithOperator Operator, ArithExpression Left, ArithExpression Right, int Position) : ArithExpression(Position);

/// <summary><c>-a</c> (gen_neg).</summary>
internal sealed record NegateArith(ArithExpression Operand, int Position) : ArithExpression(Position);

/// <summary><c>len</c>, <c>length</c>: the packet's wire length (gen_loadlen).</summary>
internal sealed record LengthArith(int Position) : ArithExpression(Position);
