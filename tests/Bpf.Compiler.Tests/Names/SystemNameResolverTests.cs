using System.Net;
using Bpf.Compiler.CodeGen;
using Bpf.Compiler.Names;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Names;

/// <summary>The resolver over a private /etc-like directory, checked against glibc's rules.</summary>
public sealed class SystemNameResolverTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bpf-names-").FullName;

    public SystemNameResolverTests()
    {
        File.WriteAllLines(Path.Combine(_dir, "hosts"),
        [
            "# comment",
            "127.0.0.1\tlocalhost loopy",
            "10.1.2.3 Multi  # trailing comment",
            "10.1.2.4 multi",
            "fe80::1 multi v6only",
            "not-an-address foo",
        ]);
        File.WriteAllLines(Path.Combine(_dir, "services"),
        [
            "both    53/tcp  alias-both",
            "both    53/udp",
            "tcponly 99/tcp",
            "udponly 98/udp",
            "split   10/tcp",
            "split   11/udp",
            "sctponly 97/sctp",
            "Case    96/tcp",
        ]);
        File.WriteAllLines(Path.Combine(_dir, "protocols"), ["tcp 6 TCP", "udp 17 UDP", "dup 200", "dup 201"]);
        File.WriteAllLines(Path.Combine(_dir, "networks"), ["loopback 127.0.0.0", "short 10", "Corp 172.16"]);
        File.WriteAllLines(Path.Combine(_dir, "ethers"), ["0:1:2:a:bb:CC gw", "bad:mac host2"]);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SystemNameResolver Resolver => new(_dir);

    [Fact]
    public void LookupPort_BothTransportsSamePort_MatchesEither() =>
        Assert.Equal(new PortLookup(53, -1), Resolver.LookupPort("both"));

    [Fact]
    public void LookupPort_Alias_IsFoundForItsTransportOnly() =>
        Assert.Equal(new PortLookup(53, 6), Resolver.LookupPort("alias-both"));

    [Theory]
    [InlineData("tcponly", 99, 6)]
    [InlineData("udponly", 98, 17)]
    [InlineData("split", 10, 6)]
    [InlineData("80", 80, -1)]
    public void LookupPort_FollowsPcapNametoport(string name, int port, int proto) =>
        Assert.Equal(new PortLookup(port, proto), Resolver.LookupPort(name));

    [Theory]
    [InlineData("sctponly")]
    [InlineData("case")]
    [InlineData("nosuch")]
    [InlineData("")]
    public void LookupPort_UnknownOrOtherTransport_IsNull(string name) => Assert.Null(Resolver.LookupPort(name));

    [Fact]
    public void LookupHost_IgnoresCaseAndReturnsEveryLineInOrder() =>
        Assert.Equal([IPAddress.Parse("10.1.2.3"), IPAddress.Parse("10.1.2.4"), IPAddress.Parse("fe80::1")], Resolver.LookupHost("MULTI"));

    [Theory]
    [InlineData("127.1", "127.0.0.1")]
    [InlineData("0x7f.0.0.1", "127.0.0.1")]
    [InlineData("10.0.258", "10.0.1.2")]
    [InlineData("::1", "::1")]
    public void LookupHost_NumericForms_AsGetaddrinfoReadsThem(string text, string expected) =>
        Assert.Equal([IPAddress.Parse(expected)], Resolver.LookupHost(text));

    [Fact]
    public void LookupHostV4_SkipsIpv6() =>
        Assert.Equal([0x0a010203u, 0x0a010204u], Resolver.LookupHostV4("multi"));

    [Theory]
    [InlineData("nosuch")]
    [InlineData("foo")]
    [InlineData("256.1.1.1")]
    public void LookupHost_Unknown_IsEmpty(string name) => Assert.Empty(Resolver.LookupHost(name));

    [Theory]
    [InlineData("TCP", 6)]
    [InlineData("udp", 17)]
    [InlineData("dup", 200)]
    public void LookupProtocol_IsCaseSensitiveAndFirstMatchWins(string name, int number) =>
        Assert.Equal(number, Resolver.LookupProtocol(name));

    [Fact]
    public void LookupProtocol_WrongCase_IsNull() => Assert.Null(Resolver.LookupProtocol("Udp"));

    // glibc's files backend pads "10" to "10.0.0.0" before inet_network (NameDatabaseTests in
    // Bpf.Cli.Tests checks the same against libpcap over the C library).
    [Theory]
    [InlineData("loopback", 0x7f000000u)]
    [InlineData("SHORT", 0x0a000000u)]
    [InlineData("corp", 0xac100000u)]
    public void LookupNetwork_PadsNumbersToFourPartsAsGlibcDoes(string name, uint network) =>
        Assert.Equal(network, Resolver.LookupNetwork(name));

    [Fact]
    public void LookupEther_ParsesShortHexBytes()
    {
        Assert.Equal(new byte[] { 0, 1, 2, 0xa, 0xbb, 0xcc }, Resolver.LookupEther("GW"));
        Assert.Null(Resolver.LookupEther("host2"));
    }

    [Fact]
    public void MissingDirectory_KnowsNoNames()
    {
        var empty = new SystemNameResolver(Path.Combine(_dir, "absent"));
        Assert.Null(empty.LookupPort("both"));
        Assert.Empty(empty.LookupHost("localhost"));
        Assert.Null(empty.LookupProtocol("tcp"));
        Assert.Equal([IPAddress.Parse("10.0.0.1")], empty.LookupHost("10.0.0.1"));
    }

    [Fact]
    public void ConcurrentFirstUse_SeesOneConsistentTable()
    {
        var resolver = Resolver;
        var results = new PortLookup?[64];
        Parallel.For(0, results.Length, i => results[i] = resolver.LookupPort("both"));
        Assert.All(results, r => Assert.Equal(new PortLookup(53, -1), r));
    }
}
