using Bpf.Compiler.Optimizer;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Optimizer;

/// <summary>
/// Random code-generator-shaped graphs keep their meaning through the optimizer: on random packets
/// the optimized graph returns what the original returns, and it is never larger.
/// </summary>
public class BlockOptimizerPropertyTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 6)]
    [InlineData(3, 10)]
    [InlineData(4, 16)]
    [InlineData(5, 24)]
    public void RandomGraphs_OptimizedReturnsTheSame(int seed, int blocks)
    {
        var gen = new RandomGraphs(seed);
        int checkedGraphs = 0;
        for (int g = 0; g < 400; g++)
        {
            var original = gen.Graph(blocks);
            var copy = Graphs.Clone(original);
            Compiler.Ir.Block optimized;
            try
            {
                optimized = BlockOptimizer.Optimize(copy);
            }
            catch (FilterCompileException e)
            {
                // libpcap refuses constant division by zero and known shifts above 31 the same way.
                Assert.Contains(e.Message, new[] { "division by zero", "modulus by zero", "shift by more than 31 bits" });
                continue;
            }

            checkedGraphs++;
            Assert.True(Graphs.InstructionCount(optimized) <= Graphs.InstructionCount(original), $"seed {seed} graph {g} grew");
            for (int p = 0; p < 40; p++)
            {
                var packet = gen.Packet();
                uint wire = (uint)packet.Length + (uint)(p % 3);
                uint expected = GraphInterpreter.Run(original, packet, wire);
                uint actual = GraphInterpreter.Run(optimized, packet, wire);
                Assert.True(expected == actual, $"seed {seed} graph {g} packet {Convert.ToHexString(packet)}: {actual} != {expected}\n{Graphs.Dump(original)}\n{Graphs.Dump(optimized)}");
            }
        }

        Assert.True(checkedGraphs > 300, $"only {checkedGraphs} graphs optimized");
    }
}
