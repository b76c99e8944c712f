using Bpf.Compiler;
using Bpf.Testing;
using Bpf.Vm;

namespace Bpf.Verification.Tests;

public sealed class BpfVerifierTests
{
    private static BpfProgram Compile(string expression, bool optimize = true, LinkType linkType = LinkType.EN10MB) =>
        FilterCompiler.Compile(expression, linkType, options: new CompilerOptions { Optimize = optimize });

    [Z3Theory]
    [InlineData("tcp port 80", "tcp src port 80 or tcp dst port 80")]
    [InlineData("ip and tcp", "tcp and ip")]
    [InlineData("not not udp", "udp")]
    [InlineData("host 10.0.0.1", "src host 10.0.0.1 or dst host 10.0.0.1")]
    public void CheckEquivalence_SameMeaning_ProvesEquivalent(string a, string b)
    {
        using var verifier = Z3.Verifier();
        var result = verifier.CheckEquivalence(Compile(a), Compile(b));
        Assert.Equal(EquivalenceVerdict.Equivalent, result.Verdict);
        Assert.Null(result.Packet);
    }

    [Z3Theory]
    [InlineData("tcp port 80", "tcp port 81")]
    [InlineData("ip", "ip6")]
    [InlineData("udp", "udp and len > 100")]
    [InlineData("tcp[tcpflags] & tcp-syn != 0", "tcp")]
    public void CheckEquivalence_DifferentMeaning_ReturnsConfirmedShortPacket(string a, string b)
    {
        using var verifier = Z3.Verifier();
        var programA = Compile(a);
        var programB = Compile(b);
        var result = verifier.CheckEquivalence(programA, programB);
        Assert.Equal(EquivalenceVerdict.Different, result.Verdict);
        var packet = result.Packet!;
        // Checked here independently of the verifier's own check.
        Assert.Equal(result.ResultA, new BpfInterpreter(programA).Run(packet.Data.AsSpan(), packet.WireLength));
        Assert.Equal(result.ResultB, new BpfInterpreter(programB).Run(packet.Data.AsSpan(), packet.WireLength));
        Assert.NotEqual(result.ResultA, result.ResultB);
        Assert.True(packet.WireLength >= packet.Data.Length);
    }

    [Z3Fact]
    public void CheckEquivalence_IpVersusIp6_PacketIsTheShortestThatTellsThemApart()
    {
        // Both read the 2-byte ethertype at offset 12: 14 bytes is the shortest packet either accepts.
        using var verifier = Z3.Verifier();
        var result = verifier.CheckEquivalence(Compile("ip"), Compile("ip6"));
        Assert.Equal(14, result.Packet!.Data.Length);
    }

    [Z3Fact]
    public void CheckEquivalence_LengthOnly_PacketCanBeEmpty()
    {
        using var verifier = Z3.Verifier();
        var result = verifier.CheckEquivalence(Compile("len > 100"), Compile("len > 101"));
        Assert.Equal(EquivalenceVerdict.Different, result.Verdict);
        Assert.Empty(result.Packet!.Data);
        Assert.Equal(101u, result.Packet.WireLength);
    }

    [Z3Fact]
    public void FindPackets_Accepted_ReturnsDistinctConfirmedPackets()
    {
        using var verifier = Z3.Verifier();
        var program = Compile("udp dst port 53");
        var result = verifier.FindPackets(program, accepted: true, count: 5);
        Assert.Equal(5, result.Packets.Count);
        Assert.False(result.TimedOut);
        var interpreter = new BpfInterpreter(program);
        foreach (var w in result.Packets)
            Assert.NotEqual(0u, interpreter.Run(w.Packet.Data.AsSpan(), w.Packet.WireLength));
        Assert.Equal(5, result.Packets.Select(w => w.Packet.Hex).Distinct().Count());
    }

    [Z3Fact]
    public void FindPackets_Rejected_ReturnsPacketsTheProgramRejects()
    {
        using var verifier = Z3.Verifier();
        var program = Compile("tcp");
        var result = verifier.FindPackets(program, accepted: false, count: 3);
        Assert.Equal(3, result.Packets.Count);
        var interpreter = new BpfInterpreter(program);
        Assert.All(result.Packets, w => Assert.Equal(0u, interpreter.Run(w.Packet.Data.AsSpan(), w.Packet.WireLength)));
        // The shortest rejected packet is the empty capture.
        Assert.Empty(result.Packets[0].Packet.Data);
    }

    [Z3Fact]
    public void FindPackets_ContradictoryFilter_IsExhaustedWithNoPacket()
    {
        using var verifier = Z3.Verifier();
        // Unoptimized: the optimized compile refuses the expression outright.
        var result = verifier.FindPackets(Compile("ip and ip6", optimize: false), accepted: true, count: 1);
        Assert.Empty(result.Packets);
        Assert.True(result.Exhausted);
    }

    [Z3Fact]
    public void FindPackets_FewerPacketsExistThanAsked_StopsExhausted()
    {
        // Accepts only the empty capture with wire length 0..: caplen 0 has one byte string, the empty one.
        var program = new BpfProgram([
            Instruction.Stmt(Opcodes.Ld | Opcodes.W | Opcodes.Len),
            Instruction.Jump(Opcodes.Jmp | Opcodes.Jgt | Opcodes.K, 0, 0, 1),
            Instruction.Stmt(Opcodes.Ret | Opcodes.K, 0),
            Instruction.Stmt(Opcodes.Ret | Opcodes.K, 1),
        ]);
        using var verifier = Z3.Verifier(maxCaptureLength: 0);
        var result = verifier.FindPackets(program, accepted: true, count: 3);
        Assert.Single(result.Packets);
        Assert.True(result.Exhausted);
    }

    [Z3Fact]
    public void CheckEquivalence_NoTime_IsUnknown()
    {
        using var verifier = Z3.Verifier(timeout: TimeSpan.Zero);
        var result = verifier.CheckEquivalence(Compile("tcp port 80"), Compile("tcp port 81"));
        Assert.Equal(EquivalenceVerdict.Unknown, result.Verdict);
    }

    [Fact]
    public void CheckEquivalence_MissingSolver_ThrowsSolverMissing()
    {
        using var verifier = new BpfVerifier(new VerifierOptions { Solver = new Smt.SmtSolverOptions { Command = "bpf-no-such-solver-14" } });
        var e = Assert.Throws<VerificationException>(() => verifier.CheckEquivalence(Compile("ip"), Compile("ip6")));
        Assert.Equal(VerificationErrorKind.SolverMissing, e.Kind);
        Assert.Contains("bpf-no-such-solver-14", e.Message);
    }

    [Fact]
    public void CheckEquivalence_InvalidProgram_ThrowsInvalidProgram()
    {
        using var verifier = Z3.Verifier();
        var invalid = new BpfProgram([Instruction.Stmt(Opcodes.Ld | Opcodes.Imm, 1)]);
        var e = Assert.Throws<VerificationException>(() => verifier.CheckEquivalence(invalid, Compile("ip")));
        Assert.Equal(VerificationErrorKind.InvalidProgram, e.Kind);
    }

    [Fact]
    public void CheckEquivalence_BackwardJump_ThrowsLoopNotSupported()
    {
        // ja -2 wraps back to instruction 0: libpcap's validator lets it through (protochain loops).
        var loop = new BpfProgram([
            Instruction.Stmt(Opcodes.Ld | Opcodes.B | Opcodes.Abs, 0),
            Instruction.Jump(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, 1, 1, 0),
            Instruction.Stmt(Opcodes.Jmp | Opcodes.Ja, unchecked((uint)-3)),
            Instruction.Stmt(Opcodes.Ret | Opcodes.K, 1),
        ]);
        using var verifier = Z3.Verifier();
        var e = Assert.Throws<VerificationException>(() => verifier.CheckEquivalence(loop, Compile("ip")));
        Assert.Equal(VerificationErrorKind.LoopNotSupported, e.Kind);
    }
}
