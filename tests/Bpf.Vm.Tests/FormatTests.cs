using Bpf.Testing;
using Bpf.Vm;
using Bpf.Vm.Tests.Generators;
using Bpf.Vm.Tests.Oracles;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Bpf.Vm.Tests;

public class FormatTests
{
    public static TheoryData<string> Expressions =>
    [
        "ip", "tcp port 80", "udp", "ip6", "arp", "vlan", "len > 100", "ether[0] & 1 != 0",
        "icmp[icmptype] == icmp-echo", "ip[2:2] - ((ip[0] & 0xf) << 2) > 100", "tcp[tcpflags] & tcp-syn != 0",
        "ip6 protochain 6", "ip[0] * 3 / 2 % 5 = 1", "ip[0] ^ 0xff = 3", "ip[0] | 1 = 3", "ip[0] >> 1 = 3",
        "ip[1] = -ip[0]", "ip[0] + ip[1] = 10", "ether broadcast", "net 10.0.0.0/8", "portrange 1-1023",
        "ip and not tcp", "greater 100", "less 50", "tcp[13] & 2 = 2 or udp[8:4] = 0x01020304",
        "ip multicast", "ip6 and tcp dst port 22",
    ];

    [TcpdumpTheory]
    [MemberData(nameof(Expressions))]
    public void Format_LibpcapCompiledProgram_MatchesTcpdumpInEveryFormat(string expression)
    {
        var file = Bpf.Testing.TestData.Corpus("EN10MB");
        foreach (var optimize in new[] { true, false })
        {
            var compiled = Libpcap.Compile(LinkType.EN10MB, 262144, expression, optimize, out var error);
            Assert.True(compiled is not null, error);
            var program = new BpfProgram(compiled);
            var optimizeFlag = optimize ? "" : " -O";
            foreach (var (flag, format) in new[] { ("-d", DumpFormat.Listing), ("-dd", DumpFormat.CArray), ("-ddd", DumpFormat.Decimal) })
            {
                var expected = Tcpdump.Dump(flag + optimizeFlag, file, expression);
                Assert.Equal(expected, BpfText.Format(program, format));
                // The listing does not print k of tax and friends, which libpcap's optimizer may leave set.
                var parsable = format == DumpFormat.Listing ? compiled.Select(InstructionGen.Canonical).ToArray() : compiled;
                Assert.Equal(parsable, BpfText.Parse(expected, format).Instructions.ToArray());
                Assert.Equal(parsable, BpfText.Parse(expected).Instructions.ToArray());
            }
        }
    }

    [LibpcapFact]
    public void FormatInstruction_EveryOpcode_MatchesBpfImage()
    {
        var samples = new (byte Jt, byte Jf, uint K, int Index)[]
        {
            (0, 0, 0, 0), (1, 255, 0xffffffff, 7), (3, 4, 0x80000000, 1234), (0, 0, 0xfffff030, 12),
            (9, 0, 0xfffff03c, 5), (0, 0, 0xfffff002, 3), (0, 0, 0xfffff040, 2), (0, 0, 0xfffffff0, 99),
        };
        var mismatches = new List<string>();
        for (var code = 0; code <= 0xffff; code++)
        {
            // Above 0xff every opcode is "unimp"; two samples each cover the jump/non-jump layouts.
            foreach (var (jt, jf, k, index) in code <= 0xff ? samples : samples[..2])
            {
                var insn = new Instruction((ushort)code, jt, jf, k);
                var expected = LibpcapImage.Image(insn, index);
                var actual = BpfText.FormatInstruction(insn, index);
                if (expected != actual && mismatches.Count < 10)
                    mismatches.Add($"{insn} at {index}: libpcap '{expected}', ours '{actual}'");
            }
        }
        Assert.Empty(mismatches);
    }

    [Property(MaxTest = 300)]
    public Property Parse_NumericFormats_RoundTripAnyProgram() =>
        Prop.ForAll(InstructionGen.AnyProgram.ToArbitrary(), program =>
            program.Equals(BpfText.Parse(BpfText.Format(program, DumpFormat.CArray), DumpFormat.CArray))
            && program.Equals(BpfText.Parse(BpfText.Format(program, DumpFormat.Decimal), DumpFormat.Decimal)));

    [Property(MaxTest = 300)]
    public Property Parse_Listing_RoundTripsCanonicalProgram() =>
        Prop.ForAll(InstructionGen.CanonicalProgram.ToArbitrary(), program =>
            program.Equals(BpfText.Parse(BpfText.Format(program, DumpFormat.Listing), DumpFormat.Listing)));

    [Fact]
    public void Format_BackwardJa_PrintsWrappedTarget()
    {
        var program = new BpfProgram([Instruction.Stmt(0x06, 1), Instruction.Stmt(0x05, 0xfffffffd)]);
        var text = BpfText.Format(program, DumpFormat.Listing);
        Assert.Equal("(000) ret      #1\n(001) ja       -1\n", text);
        Assert.Equal(program, BpfText.Parse(text));
    }

    [Fact]
    public void FormatInstruction_AncillaryLoad_PrintsName()
    {
        Assert.Equal("(000) ldb      [vlanp]", BpfText.FormatInstruction(Instruction.Stmt(0x30, 0xfffff030), 0));
        Assert.Equal(new Instruction(0x30, 0, 0, 0xfffff030), BpfText.Parse("(000) ldb      [vlanp]\n")[0]);
    }

    [Fact]
    public void FormatInstruction_NegativeIndex_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BpfText.FormatInstruction(default, -1));

    [Theory]
    [InlineData("(000) ldh      [12]\n(002) ret      #0\n", DumpFormat.Listing, 2)]
    [InlineData("(000) ldh      #12\n", DumpFormat.Listing, 1)]
    [InlineData("(000) jeq      #0x800           jt 0\tjf 1\n", DumpFormat.Listing, 1)]
    [InlineData("(000) jeq      #0x800           jt 1\tjf 300\n", DumpFormat.Listing, 1)]
    [InlineData("(000) jeq      #0x800\n", DumpFormat.Listing, 1)]
    [InlineData("(000) ret      #0               jt 1\tjf 1\n", DumpFormat.Listing, 1)]
    [InlineData("(000) unimp    0x28\n", DumpFormat.Listing, 1)]
    [InlineData("(000) ldb      [bogus]\n", DumpFormat.Listing, 1)]
    [InlineData("(000) ld       #0x100000000\n", DumpFormat.Listing, 1)]
    [InlineData("{ 0x28, 0, 0, 0x0000000c },\n\n{ 0x6, 0, 256, 0x00000000 },\n", DumpFormat.CArray, 3)]
    [InlineData("{ 0x10000, 0, 0, 0x0000000c },\n", DumpFormat.CArray, 1)]
    [InlineData("2\n6 0 0 1\n", DumpFormat.Decimal, 2)]
    [InlineData("1\n6 0 0 1\n6 0 0 1\n", DumpFormat.Decimal, 3)]
    [InlineData("1\n6 0 0 4294967296\n", DumpFormat.Decimal, 2)]
    [InlineData("x\n", DumpFormat.Decimal, 1)]
    public void Parse_MalformedLine_ThrowsWithLineNumber(string text, DumpFormat format, int line)
    {
        var error = Assert.Throws<BpfTextException>(() => BpfText.Parse(text, format));
        Assert.Equal(line, error.LineNumber);
        Assert.StartsWith($"line {line}: ", error.Message);
    }

    [Theory]
    [InlineData("(000) ret      #0\n", DumpFormat.Listing)]
    [InlineData("\n  { 0x6, 0, 0, 0x00000000 },", DumpFormat.CArray)]
    [InlineData("1\r\n6 0 0 0\r\n", DumpFormat.Decimal)]
    public void Detect_FirstLine_NamesFormat(string text, DumpFormat format)
    {
        Assert.Equal(format, BpfText.Detect(text));
        Assert.Equal(new BpfProgram([Instruction.Stmt(0x06)]), BpfText.Parse(text));
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("\n\nret #0\n", 3)]
    public void Detect_UnknownText_Throws(string text, int line) =>
        Assert.Equal(line, Assert.Throws<BpfTextException>(() => BpfText.Parse(text)).LineNumber);
}
