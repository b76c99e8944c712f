using Bpf.Vm;

namespace Bpf.Compiler.Tests;

/// <summary>Deeply nested expressions never overflow the stack (which would kill the process).</summary>
public class FilterCompilerDepthTests
{
    [Theory]
    [InlineData("!", "ip")]
    [InlineData("not ", "ip")]
    public void ManyNegations_CompileOrFailCleanly(string prefix, string primitive)
    {
        var expression = string.Concat(Enumerable.Repeat(prefix, 60000)) + primitive;
        var program = FilterCompiler.Compile(expression, LinkType.EN10MB, 262144, new CompilerOptions { Optimize = false });
        Assert.True(program.Count > 0);
    }

    [Fact]
    public void ManyUnaryMinus_CompileOrFailCleanly()
    {
        var expression = "len = " + new string('-', 60000) + "1";
        var program = FilterCompiler.Compile(expression, LinkType.EN10MB, 262144, new CompilerOptions { Optimize = false });
        Assert.True(program.Count > 0);
    }
}
