using Bpf.Vm;

namespace Bpf.Compiler.Syntax;

/// <summary>The fixed words of libpcap's scanner.l: keywords (with their aliases) and named numbers.</summary>
internal static class Keywords
{
    /// <summary>Spelling -> canonical keyword and its number (1-based, see <see cref="Canonical"/>). Aliases map to the token flex returns.</summary>
    private static readonly Dictionary<string, (string Canonical, uint Id)> s_words = BuildWords(out s_canonical);

    private static readonly string[] s_canonical;

    /// <summary>Spelling -> canonical keyword. Aliases map to the name of the token flex returns.</summary>
    public static readonly IReadOnlyDictionary<string, string> Words = s_words.ToDictionary(e => e.Key, e => e.Value.Canonical, StringComparer.Ordinal);

    /// <summary>
    /// The canonical keywords; a keyword token's <see cref="Token.Number"/> is its index here plus one
    /// (0 for a keyword token made otherwise: '&amp;&amp;' and '||'), so the parser finds a keyword's
    /// roles by index instead of a string look-up per table.
    /// </summary>
    public static IReadOnlyList<string> Canonical => s_canonical;

    /// <summary>The number <see cref="Token.Number"/> carries for <paramref name="canonical"/>, or 0 when it is no keyword.</summary>
    public static uint IdOf(string canonical) => s_words.TryGetValue(canonical, out var word) && word.Canonical == canonical ? word.Id : 0;

    /// <summary>Named constants the scanner turns into NUM tokens (<c>icmptype</c>, <c>tcp-syn</c>, ...).</summary>
    public static readonly IReadOnlyDictionary<string, uint> NamedNumbers = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["icmptype"] = 0, ["icmpcode"] = 1,
        ["icmp-echoreply"] = 0, ["icmp-unreach"] = 3, ["icmp-sourcequench"] = 4, ["icmp-redirect"] = 5,
        ["icmp-echo"] = 8, ["icmp-routeradvert"] = 9, ["icmp-routersolicit"] = 10, ["icmp-timxceed"] = 11,
        ["icmp-paramprob"] = 12, ["icmp-tstamp"] = 13, ["icmp-tstampreply"] = 14, ["icmp-ireq"] = 15,
        ["icmp-ireqreply"] = 16, ["icmp-maskreq"] = 17, ["icmp-maskreply"] = 18,
        ["icmp6type"] = 0, ["icmp6code"] = 1,
        ["icmp6-destinationunreach"] = 1, ["icmp6-packettoobig"] = 2, ["icmp6-timeexceeded"] = 3,
        ["icmp6-parameterproblem"] = 4, ["icmp6-echo"] = 128, ["icmp6-echoreply"] = 129,
        ["icmp6-multicastlistenerquery"] = 130, ["icmp6-multicastlistenerreportv1"] = 131,
        ["icmp6-multicastlistenerdone"] = 132, ["icmp6-routersolicit"] = 133, ["icmp6-routeradvert"] = 134,
        ["icmp6-neighborsolicit"] = 135, ["icmp6-neighboradvert"] = 136, ["icmp6-redirect"] = 137,
        ["icmp6-routerrenum"] = 138, ["icmp6-nodeinformationquery"] = 139,
        ["icmp6-nodeinformationresponse"] = 140, ["icmp6-ineighbordiscoverysolicit"] = 141,
        ["icmp6-ineighbordiscoveryadvert"] = 142, ["icmp6-multicastlistenerreportv2"] = 143,
        ["icmp6-homeagentdiscoveryrequest"] = 144, ["icmp6-homeagentdiscoveryreply"] = 145,
        ["icmp6-mobileprefixsolicit"] = 146, ["icmp6-mobileprefixadvert"] = 147,
        ["icmp6-certpathsolicit"] = 148, ["icmp6-certpathadvert"] = 149,
        ["icmp6-multicastrouteradvert"] = 151, ["icmp6-multicastroutersolicit"] = 152,
        ["icmp6-multicastrouterterm"] = 153,
        ["tcpflags"] = 13, ["tcp-fin"] = 0x01, ["tcp-syn"] = 0x02, ["tcp-rst"] = 0x04, ["tcp-push"] = 0x08,
        ["tcp-ack"] = 0x10, ["tcp-urg"] = 0x20, ["tcp-ece"] = 0x40, ["tcp-cwr"] = 0x80,
    };

    /// <summary>The keywords (canonical text and number) looked up by the scanned text itself, without making a string of it first.</summary>
    public static readonly Dictionary<string, (string Canonical, uint Id)>.AlternateLookup<ReadOnlySpan<char>> WordsBySpan =
        s_words.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary><see cref="NamedNumbers"/> looked up by the scanned text (the out key is the table's own string).</summary>
    public static readonly Dictionary<string, uint>.AlternateLookup<ReadOnlySpan<char>> NamedNumbersBySpan =
        ((Dictionary<string, uint>)NamedNumbers).GetAlternateLookup<ReadOnlySpan<char>>();

    private static Dictionary<string, (string Canonical, uint Id)> BuildWords(out string[] canonical)
    {
        // Each line: canonical token, then its other spellings (scanner.l's alternations).
        string[] table =
        [
            "dst", "src", "link ether ppp slip fddi tr wlan", "arp", "rarp", "ip", "sctp", "tcp", "udp",
            "icmp", "igmp", "igrp", "pim", "vrrp", "carp", "radio", "ip6", "icmp6", "ah", "esp",
            "atalk", "aarp", "decnet", "lat", "sca", "moprc", "mopdl", "iso", "esis es-is", "isis is-is",
            "l1", "l2", "iih", "lsp", "snp", "csnp", "psnp", "clnp", "stp", "ipx", "netbeui",
            "host", "net", "mask", "port", "portrange", "proto", "protochain", "gateway",
            "type", "subtype", "dir direction", "addr1 address1", "addr2 address2", "addr3 address3",
            "addr4 address4", "ra", "ta", "less", "greater", "byte", "broadcast", "multicast",
            "and &&", "or ||", "len length", "inbound", "outbound", "ifindex",
            "vlan", "mpls", "pppoed", "pppoes", "geneve", "vxlan",
            "lane", "llc", "metac", "bcc", "oam", "oamf4", "oamf4ec", "oamf4sc", "sc", "ilmic", "vpi", "vci",
            "connectmsg", "metaconnect",
            "ifname on", "ruleset rset", "rnr rulenum", "srnr subrulenum", "reason", "action",
            "fisu", "lssu lsu", "msu", "hfisu", "hlssu", "hmsu",
            "sio", "opc", "dpc", "sls", "hsio", "hopc", "hdpc", "hsls",
        ];
        var words = new Dictionary<string, (string Canonical, uint Id)>(StringComparer.Ordinal);
        canonical = new string[table.Length];
        for (var i = 0; i < table.Length; i++)
        {
            var spellings = table[i].Split(' ');
            canonical[i] = spellings[0];
            foreach (var spelling in spellings)
                words.Add(spelling, (spellings[0], (uint)i + 1));
        }
        return words;
    }
}
