using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>
/// The code generator's refusals are recorded on its context, not thrown: a refused expression costs no
/// exception at all, the first refusal wins as libpcap's longjmp does, and Compile still throws it.
/// </summary>
public class CodeGenRefusalTests
{
    [Theory]
    [InlineData(LinkType.EN10MB, "port 99999", FilterErrorKind.ValueOutOfRange)] // a check that records and goes on
    [InlineData(LinkType.EN10MB, "tcp and port 99999", FilterErrorKind.ValueOutOfRange)] // the right operand of and
    [InlineData(LinkType.EN10MB, "net 10.0.0.1/40", FilterErrorKind.ValueOutOfRange)]
    [InlineData(LinkType.EN10MB, "ip[0:3] = 1", FilterErrorKind.ValueOutOfRange)] // an arithmetic load
    [InlineData(LinkType.EN10MB, "ip[0] / 0 = 1", FilterErrorKind.ValueOutOfRange)]
    [InlineData(LinkType.EN10MB, "tcp[0:3] = 1", FilterErrorKind.ValueOutOfRange)] // a refused operand of a relation
    [InlineData(LinkType.EN10MB, "1 = tcp[0:3] + 2", FilterErrorKind.ValueOutOfRange)]
    [InlineData(LinkType.EN10MB, "proto bogusname", FilterErrorKind.UnknownName)] // a lookup returning a number
    [InlineData(LinkType.EN10MB, "portrange 1-", FilterErrorKind.Syntax)] // 1.10: an unknown port name
    [InlineData(LinkType.RAW, "vlan", FilterErrorKind.UnsupportedForLinkType)]
    [InlineData(LinkType.RAW, "ether broadcast", FilterErrorKind.UnsupportedForLinkType)]
    [InlineData(LinkType.RAW, "not (udp or ether multicast)", FilterErrorKind.UnsupportedForLinkType)]
    [InlineData(LinkType.EN10MB, "ip broadcast", FilterErrorKind.UnsupportedForLinkType)] // no netmask
    public void TryCompile_GeneratorRefusal_ThrowsNoException(LinkType linkType, string expression, FilterErrorKind headKind)
    {
        foreach (var mode in new[] { LibpcapCompatibility.Head, LibpcapCompatibility.V1_10 })
        {
            var options = new CompilerOptions { Compatibility = mode };
            var thrown = Assert.Throws<FilterCompileException>(() => FilterCompiler.Compile(expression, linkType, 262144, options));
            // Warm: the first compile may load name files or types, which can throw and catch internally.
            FilterCompiler.TryCompile(expression, out _, out _, linkType, 262144, options);

            var (ok, error, exceptions) = TryCompileCountingExceptions(expression, linkType, options);

            Assert.False(ok);
            Assert.Equal((thrown.Kind, thrown.Position, thrown.Message), (error!.Kind, error.Position, error.Message));
            if (mode == LibpcapCompatibility.Head)
                Assert.Equal(headKind, error.Kind);
            Assert.Equal(0, exceptions);
        }
    }

    [Theory]
    [InlineData("port 99999 and vlan 5000", "port number 99999 greater than maximum 65535")]
    [InlineData("vlan 5000 and port 99999", "VLAN tag 5000 greater than maximum 4095")]
    [InlineData("port 99999 or not vlan 5000", "port number 99999 greater than maximum 65535")]
    public void TryCompile_TwoRefusals_TheFirstWins(string expression, string message)
    {
        Assert.False(FilterCompiler.TryCompile(expression, out _, out var error));
        Assert.Equal(message, error.Message);
        Assert.Equal(message, Assert.Throws<FilterCompileException>(() => FilterCompiler.Compile(expression)).Message);
    }

    private static (bool Ok, FilterCompileException? Error, int Exceptions) TryCompileCountingExceptions(
        string expression, LinkType linkType, CompilerOptions options)
    {
        var thread = Environment.CurrentManagedThreadId;
        var exceptions = 0;
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (Environment.CurrentManagedThreadId == thread)
                Interlocked.Increment(ref exceptions);
        }
        AppDomain.CurrentDomain.FirstChanceException += Count;
        try
        {
            var ok = FilterCompiler.TryCompile(expression, out _, out var error, linkType, 262144, options);
            return (ok, error, exceptions);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }
    }
}
