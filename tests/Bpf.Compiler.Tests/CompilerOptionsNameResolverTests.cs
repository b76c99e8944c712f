using System.Net;
using Bpf.Compiler.CodeGen;

using Bpf.Vm;

namespace Bpf.Compiler.Tests;

/// <summary>The name resolver is an option a library user can pass (issue 13), not only an internal seam.</summary>
public class CompilerOptionsNameResolverTests
{
    private sealed class OneHost : INameResolver
    {
        public IReadOnlyList<IPAddress> LookupHost(string name) => name == "gateway13" ? [IPAddress.Parse("10.1.2.3")] : [];

        public IReadOnlyList<uint> LookupHostV4(string name) => name == "gateway13" ? [0x0a010203u] : [];

        public uint? LookupNetwork(string name) => null;

        public PortLookup? LookupPort(string name) => name == "svc13" ? new PortLookup(4242, 17) : null;

        public int? LookupProtocol(string name) => null;

        public byte[]? LookupEther(string name) => null;
    }

    [Theory]
    [InlineData("host gateway13", "host 10.1.2.3")]
    [InlineData("udp port svc13", "udp port 4242")]
    public void Compile_UsesTheResolverOfTheOptions(string byName, string byNumber)
    {
        var options = new CompilerOptions { NameResolver = new OneHost() };
        Assert.Equal(FilterCompiler.Compile(byNumber, LinkType.EN10MB), FilterCompiler.Compile(byName, LinkType.EN10MB, options: options));
    }

    [Fact]
    public void Compile_UnknownToTheResolver_IsAnError() =>
        Assert.Throws<FilterCompileException>(() =>
            FilterCompiler.Compile("host localhost", LinkType.EN10MB, options: new CompilerOptions { NameResolver = new OneHost() }));
}
