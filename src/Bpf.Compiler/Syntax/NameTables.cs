using Bpf.Vm;

namespace Bpf.Compiler.Syntax;

/// <summary>
/// The name tables grammar.y.in itself consults (802.11 types and subtypes, LLC frame types, pflog
/// reasons and actions as built on Linux), so unknown names fail while parsing as they do in libpcap.
/// Lookups are case-insensitive like libpcap's str2tok.
/// </summary>
internal static class NameTables
{
    public const uint Ieee80211TypeMask = 0x0c;
    public const uint Ieee80211SubtypeMask = 0xf0;
    public const uint TypeManagement = 0x00, TypeControl = 0x04, TypeData = 0x08;

    public static readonly (string Name, uint Value)[] Ieee80211Types =
        [("data", TypeData), ("mgt", TypeManagement), ("management", TypeManagement), ("ctl", TypeControl), ("control", TypeControl)];

    private static readonly (string Name, uint Value)[] s_managementSubtypes =
    [
        ("assocreq", 0x00), ("assoc-req", 0x00), ("assocresp", 0x10), ("assoc-resp", 0x10),
        ("reassocreq", 0x20), ("reassoc-req", 0x20), ("reassocresp", 0x30), ("reassoc-resp", 0x30),
        ("probereq", 0x40), ("probe-req", 0x40), ("proberesp", 0x50), ("probe-resp", 0x50),
        ("beacon", 0x80), ("atim", 0x90), ("disassoc", 0xa0), ("disassociation", 0xa0),
        ("auth", 0xb0), ("authentication", 0xb0), ("deauth", 0xc0), ("deauthentication", 0xc0),
    ];

    // The head adds bar (Block Ack Request) and ba (Block Ack); 1.10 did not know them.
    private static readonly (string Name, uint Value)[] s_controlSubtypes =
        [("bar", 0x80), ("ba", 0x90), ("ps-poll", 0xa0), ("rts", 0xb0), ("cts", 0xc0), ("ack", 0xd0), ("cf-end", 0xe0), ("cf-end-ack", 0xf0)];

    private static readonly (string Name, uint Value)[] s_dataSubtypes =
    [
        ("data", 0x00), ("data-cf-ack", 0x10), ("data-cf-poll", 0x20), ("data-cf-ack-poll", 0x30),
        ("null", 0x40), ("cf-ack", 0x50), ("cf-poll", 0x60), ("cf-ack-poll", 0x70),
        ("qos-data", 0x80), ("qos-data-cf-ack", 0x90), ("qos-data-cf-poll", 0xa0), ("qos-data-cf-ack-poll", 0xb0),
        ("qos", 0xc0), ("qos-cf-poll", 0xe0), ("qos-cf-ack-poll", 0xf0),
    ];

    /// <summary>libpcap's ieee80211_type_subtypes, in its search order.</summary>
    public static readonly (uint Type, (string Name, uint Value)[] Subtypes)[] Ieee80211Subtypes =
        [(TypeManagement, s_managementSubtypes), (TypeControl, s_controlSubtypes), (TypeData, s_dataSubtypes)];

    public static readonly (string Name, uint Value)[] Ieee80211Directions =
        [("nods", 0), ("tods", 1), ("fromds", 2), ("dstods", 3)];

    public const uint LlcRnr = 0x05;
    public static readonly (string Name, uint Value)[] LlcSSubtypes = [("rr", 0x01), ("rnr", LlcRnr), ("rej", 0x09)];
    public static readonly (string Name, uint Value)[] LlcUSubtypes =
        [("ui", 0x03), ("ua", 0x63), ("disc", 0x43), ("dm", 0x0f), ("sabme", 0x6f), ("test", 0xe3), ("xid", 0xaf), ("frmr", 0x87)];

    public static readonly (string Name, uint Value)[] PfReasons =
    [
        ("match", 0), ("bad-offset", 1), ("fragment", 2), ("short", 3), ("normalize", 4), ("memory", 5),
        ("bad-timestamp", 6), ("congestion", 7), ("ip-option", 8), ("proto-cksum", 9), ("state-mismatch", 10),
        ("state-insert", 11), ("state-limit", 12), ("src-limit", 13), ("synproxy", 14),
    ];

    public static readonly (string Name, uint Value)[] PfActions =
    [
        ("pass", 0), ("accept", 0), ("drop", 1), ("block", 1), ("scrub", 2), ("noscrub", 3), ("nat", 4),
        ("nonat", 5), ("binat", 6), ("nobinat", 7), ("rdr", 8), ("nordr", 9), ("synproxy-drop", 10),
    ];

    /// <summary>Whether an 802.11 subtype name is one only the head knows (1.10's tables lack it).</summary>
    public static bool IsHeadOnlySubtype(string name) =>
        name.Equals("bar", StringComparison.OrdinalIgnoreCase) || name.Equals("ba", StringComparison.OrdinalIgnoreCase);

    /// <summary>libpcap's str2tok: the value of the first case-insensitive match, or null.</summary>
    public static uint? Lookup((string Name, uint Value)[] table, string name)
    {
        foreach (var (entry, value) in table)
            if (string.Equals(entry, name, StringComparison.OrdinalIgnoreCase))
                return value;
        return null;
    }
}
