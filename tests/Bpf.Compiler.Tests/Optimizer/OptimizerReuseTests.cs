using Bpf.Compiler;
using Bpf.Compiler.Tests.Differential;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Optimizer;

/// <summary>
/// The optimizer keeps per-thread arrays and block states between compiles (the flow graph's block
/// states, the dominator trees, the value table, block interning's classes), sized by the biggest graph
/// seen and capped for huge ones. Compiles back to back on one thread, with graph sizes going up and
/// down, past the caps and through rejections, must answer exactly as each compile on a fresh thread.
/// </summary>
public class OptimizerReuseTests
{
    [Theory]
    [InlineData(LibpcapCompatibility.Head)]
    [InlineData(LibpcapCompatibility.V1_10)]
    public void BackToBackCompiles_AnswerAsOnAFreshThread(LibpcapCompatibility mode)
    {
        var options = new CompilerOptions { Compatibility = mode };
        var rows = ExpressionCorpus.All.Where((_, i) => i % 9 == 0).ToList();

        // Graphs over the per-thread caps (1,024 blocks): compiled between ordinary ones.
        var hosts = string.Join(" or ", Enumerable.Range(1, 250).Select(i => $"host 10.0.{i / 256}.{i % 256}"));
        var ports = string.Join(" or ", Enumerable.Range(1, 120).Select(i => $"port {i}"));
        rows.Insert(rows.Count / 3, ("EN10MB", hosts));
        rows.Insert(2 * rows.Count / 3, ("EN10MB", ports));

        string Answer((string LinkType, string Expression) row)
        {
            try
            {
                return string.Join(" ", FilterCompiler.Compile(row.Expression, LinkTypes.Parse(row.LinkType), options: options));
            }
            catch (FilterCompileException e)
            {
                return "error: " + e.Message;
            }
        }

        var fresh = rows.Select(row =>
        {
            string answer = "";
            var thread = new Thread(() => answer = Answer(row));
            thread.Start();
            thread.Join();
            return answer;
        }).ToList();
        var forward = rows.Select(Answer).ToList();
        var backward = Enumerable.Reverse(rows).Select(Answer).Reverse().ToList();

        Assert.Equal(fresh, forward);
        Assert.Equal(fresh, backward);
    }
}
