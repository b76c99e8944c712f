using System.Net;
using Bpf.Vm;
using static Udpcap.Tests.PacketBuilder;

namespace Udpcap.Tests;

/// <summary>Fragmented datagrams in crafted captures: order, overlaps, duplicates, ageing.</summary>
public class FragmentReplayTests
{
    private static readonly uint Sender = Ip("10.0.0.1");
    private static readonly uint Host = Ip("10.0.0.2");

    private static byte[] Payload(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed)).ToArray();

    private static List<(ReceiveResult Result, byte[] Payload)> Run(IEnumerable<(byte[] Ip, long Time)> packets, out UdpcapStatistics statistics, UdpcapOptions? options = null)
    {
        using var replay = new Replay(LinkType.EN10MB, packets.Select(p => (Ethernet(p.Ip), p.Time)), options: options);
        using var socket = replay.Capture.CreateSocket();
        socket.Bind(IPAddress.Any, 5000);
        var list = Replay.Drain(socket);
        statistics = replay.Capture.Statistics;
        return list;
    }

    [Fact]
    public void OutOfOrderWithOverlapsAndDuplicates_ReassemblesExactly()
    {
        var payload = Payload(3000, 1);
        var udp = Udp(Sender, 4000, Host, 5000, payload);
        byte[][] fragments =
        [
            Fragment(Sender, Host, udp, 2000, udp.Length - 2000, 9),
            Fragment(Sender, Host, udp, 800, 1200, 9),
            Fragment(Sender, Host, udp, 800, 1200, 9),  // exact duplicate
            Fragment(Sender, Host, udp, 400, 800, 9),   // overlaps both neighbours with equal bytes
            Fragment(Sender, Host, udp, 0, 800, 9),
        ];
        var received = Run(fragments.Select((f, i) => (f, (long)i)), out var statistics);
        Assert.Equal(payload, Assert.Single(received).Payload);
        Assert.Equal(1, statistics[DropReason.DuplicateFragment]);
        Assert.Equal(0, statistics.DatagramsInReassembly);
    }

    [Fact]
    public void ConflictingOverlap_DropsWholeDatagram_WhateverTheOrder()
    {
        var udp = Udp(Sender, 4000, Host, 5000, Payload(1600, 2));
        var liar = (byte[])udp.Clone();
        liar[900] ^= 0xFF;
        byte[][] fragments =
        [
            Fragment(Sender, Host, udp, 0, 1000, 3),
            Fragment(Sender, Host, liar, 800, 808, 3), // disagrees with the first on byte 900
            Fragment(Sender, Host, udp, 1000, udp.Length - 1000, 3),
        ];
        foreach (var order in new[] { new[] { 0, 1, 2 }, [2, 1, 0], [1, 2, 0] })
        {
            var received = Run(order.Select(i => (fragments[i], (long)i)), out var statistics);
            Assert.Empty(received);
            Assert.True(statistics[DropReason.FragmentConflict] >= 1);
        }
    }

    [Fact]
    public void FragmentsThatNeverComplete_AgeOutOnCaptureTime()
    {
        var udp = Udp(Sender, 4000, Host, 5000, Payload(2000, 3));
        var complete = Ipv4(Sender, Host, Udp(Sender, 4000, Host, 5000, Payload(10, 4)), id: 77);
        var received = Run(
            [(Fragment(Sender, Host, udp, 0, 1000, 5), 0L), (complete, 6_000_000_000L), (Fragment(Sender, Host, udp, 1000, udp.Length - 1000, 5), 6_000_000_001L)],
            out var statistics);
        Assert.Equal(Payload(10, 4), Assert.Single(received).Payload); // the late half starts a new datagram that never completes
        Assert.Equal(1, statistics[DropReason.ReassemblyTimeout]);
        Assert.Equal(1, statistics.DatagramsInReassembly);
    }

    [Fact]
    public void InFlightLimit_EvictsOldest()
    {
        var options = UdpcapOptions.Default with { MaxDatagramsInReassembly = 2 };
        var packets = new List<(byte[], long)>();
        var udps = Enumerable.Range(0, 3).Select(i => Udp(Sender, 4000, Host, 5000, Payload(1000, i))).ToArray();
        for (var i = 0; i < 3; i++)
            packets.Add((Fragment(Sender, Host, udps[i], 0, 504, (ushort)(100 + i)), i));
        foreach (var i in new[] { 2, 1 })
            packets.Add((Fragment(Sender, Host, udps[i], 504, udps[i].Length - 504, (ushort)(100 + i)), 10 + i));
        var received = Run(packets, out var statistics, options);
        Assert.Equal([Payload(1000, 2), Payload(1000, 1)], received.Select(r => r.Payload));
        Assert.Equal(1, statistics[DropReason.ReassemblyLimit]); // datagram 0, the oldest, made room for 2
    }

    [Fact]
    public void BadFragmentLength_IsCounted()
    {
        var udp = Udp(Sender, 4000, Host, 5000, Payload(100, 5));
        var received = Run([(Fragment(Sender, Host, udp, 0, 50, 6), 0L)], out var statistics);
        Assert.Empty(received);
        Assert.Equal(1, statistics[DropReason.BadFragment]);
    }
}
