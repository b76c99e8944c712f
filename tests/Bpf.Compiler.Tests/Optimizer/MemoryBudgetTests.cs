using Bpf.Compiler;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Optimizer;

/// <summary>
/// <see cref="CompilerOptions.MemoryBudget"/>: an expression whose optimizer graph would need more
/// stops with the "too complex" error before allocating it; within the budget, and unoptimized, it compiles.
/// </summary>
public class MemoryBudgetTests
{
    private static string PortChain(int terms, string joiner) =>
        string.Join($" {joiner} ", Enumerable.Range(1, terms).Select(i => $"port {i}"));

    [Theory]
    [InlineData("or")]
    [InlineData("and")]
    public void PortChain_OverTheBudget_TooComplex(string joiner)
    {
        var options = new CompilerOptions { MemoryBudget = 1 << 20 };
        var e = Assert.Throws<FilterCompileException>(() => FilterCompiler.Compile(PortChain(100, joiner), LinkType.EN10MB, options: options));
        Assert.Equal(FilterErrorKind.TooComplex, e.Kind);
        Assert.StartsWith("filter is too complex to optimize", e.Message);
    }

    [Fact]
    public void PortChain_WithinTheBudget_Compiles()
    {
        var expression = PortChain(100, "or");
        var program = FilterCompiler.Compile(expression, LinkType.EN10MB, options: new CompilerOptions { MemoryBudget = 1L << 30 });
        Assert.True(program.Count > 100);
        // The budget is the optimizer's: unoptimized, the same expression compiles under any budget.
        Assert.True(FilterCompiler.Compile(expression, LinkType.EN10MB, options: new CompilerOptions { MemoryBudget = 1, Optimize = false }).Count > 100);
    }

    [Fact]
    public void DefaultBudget_IsWellBelowTheMachine()
    {
        Assert.InRange(CompilerOptions.DefaultMemoryBudget, 64L << 20, 1L << 30);
        Assert.Equal(CompilerOptions.DefaultMemoryBudget, CompilerOptions.Default.MemoryBudget);
    }
}
