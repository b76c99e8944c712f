using Bpf.Compiler.Optimizer;
using Bpf.Vm;
using static Bpf.Compiler.Tests.Optimizer.Graphs;

namespace Bpf.Compiler.Tests.Optimizer;

/// <summary>The extra pass beyond libpcap: a successor's test implied on the edge that skips it.</summary>
public class ImpliedTestFoldingTests
{
    [Fact]
    public void EtherTypeChain_RunsTheSecondTestDirectly()
    {
        // ldh [12]; jeq #0x86dd -> reject / (jeq #0x800 -> ip / reject): A == 0x86dd already fails 0x800.
        var reject = Ret(0);
        var ip = Jump(Opcodes.Jeq, 6, Ret(Accept), reject, LdB(23));
        var second = Jump(Opcodes.Jeq, 0x800, ip, reject);
        var root = Jump(Opcodes.Jeq, 0x86dd, reject, second, LdH(12));
        Assert.True(ImpliedTestFolding.Run(root));
        Assert.Equal(0x800u, root.Branch.K);
        Assert.Same(ip, root.True);
        Assert.Same(reject, root.False);
        Assert.Single(root.Stmts);
    }

    [Fact]
    public void SuccessorWithStatements_IsNotAbsorbed()
    {
        var reject = Ret(0);
        var second = Jump(Opcodes.Jeq, 0x800, Ret(Accept), reject, LdH(12));
        var root = Jump(Opcodes.Jeq, 0x86dd, reject, second, LdH(12));
        Assert.False(ImpliedTestFolding.Run(root));
    }

    [Fact]
    public void ImpliedOutcomeLeadingElsewhere_IsNotAbsorbed()
    {
        // A == 0x86dd makes the second test fail, but its false edge goes to accept, not to reject.
        var reject = Ret(0);
        var second = Jump(Opcodes.Jeq, 0x800, reject, Ret(Accept));
        var root = Jump(Opcodes.Jeq, 0x86dd, reject, second, LdH(12));
        Assert.False(ImpliedTestFolding.Run(root));
    }

    [Theory]
    [InlineData(Opcodes.Jeq, 5u, true, Opcodes.Jeq, 6u, false)]
    [InlineData(Opcodes.Jeq, 5u, true, Opcodes.Jgt, 4u, true)]
    [InlineData(Opcodes.Jeq, 5u, false, Opcodes.Jeq, 5u, false)]
    [InlineData(Opcodes.Jeq, 5u, false, Opcodes.Jeq, 6u, null)]
    [InlineData(Opcodes.Jgt, 10u, true, Opcodes.Jge, 11u, true)]
    [InlineData(Opcodes.Jgt, 10u, true, Opcodes.Jeq, 10u, false)]
    [InlineData(Opcodes.Jgt, 10u, false, Opcodes.Jgt, 10u, false)]
    [InlineData(Opcodes.Jgt, 10u, false, Opcodes.Jgt, 9u, null)]
    [InlineData(Opcodes.Jge, 0u, false, Opcodes.Jeq, 0u, null)]
    [InlineData(Opcodes.Jgt, 0xffffffffu, true, Opcodes.Jeq, 0u, null)]
    [InlineData(Opcodes.Jset, 0x10u, false, Opcodes.Jset, 0x10u, false)]
    [InlineData(Opcodes.Jset, 0x10u, false, Opcodes.Jeq, 0x11u, false)]
    [InlineData(Opcodes.Jset, 0x10u, true, Opcodes.Jset, 0x30u, true)]
    [InlineData(Opcodes.Jset, 0x30u, true, Opcodes.Jset, 0x10u, null)]
    public void Decide_FollowsUnsignedComparison(int known, uint knownK, bool holds, int test, uint k, bool? expected)
    {
        var result = BranchImplication.Decide((ushort)(Opcodes.Jmp | known), knownK, holds, (ushort)(Opcodes.Jmp | test), k);
        Assert.Equal(expected, result);
    }

    [Fact]
    public void Decide_AgreesWithBruteForceOnSmallValues()
    {
        int[] ops = [Opcodes.Jeq, Opcodes.Jgt, Opcodes.Jge, Opcodes.Jset];
        for (uint k1 = 0; k1 < 8; k1++)
            foreach (var o1 in ops)
                foreach (var holds in new[] { true, false })
                    for (uint k2 = 0; k2 < 8; k2++)
                        foreach (var o2 in ops)
                        {
                            var decided = BranchImplication.Decide((ushort)(Opcodes.Jmp | o1), k1, holds, (ushort)(Opcodes.Jmp | o2), k2);
                            if (decided is null)
                                continue;
                            // Values 0..15 cover every case the small constants can distinguish.
                            for (uint a = 0; a < 16; a++)
                                if (Eval(o1, a, k1) == holds)
                                    Assert.True(Eval(o2, a, k2) == decided, $"{o1:x}#{k1}={holds} then {o2:x}#{k2} on A={a}");
                        }
    }

    private static bool Eval(int op, uint a, uint k) => op switch
    {
        Opcodes.Jeq => a == k,
        Opcodes.Jgt => a > k,
        Opcodes.Jge => a >= k,
        _ => (a & k) != 0,
    };
}
