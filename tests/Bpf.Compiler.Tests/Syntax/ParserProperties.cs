using Bpf.Compiler.Syntax;
using Bpf.Vm;
using FsCheck.Xunit;

namespace Bpf.Compiler.Tests.Syntax;

/// <summary>Robustness: any input ends in a tree or a FilterCompileException, never another exception, crash or hang.</summary>
public sealed class ParserProperties
{
    private static readonly string[] Vocabulary =
        ("( ) [ ] : ! not and or && || = == != < <= > >= + - * / % & | ^ << >> tcp ip ip6 ether host net port " +
         "portrange src dst mask proto protochain gateway len vlan less byte broadcast type subtype dir llc vpi sio " +
         "1 0x1f 010 08 4294967296 1.2.3.4 10.0 ::1 fe80::/10 aa:bb:cc:dd:ee:ff $1 $ a \\x # icmp-echo tcpflags").Split(' ');

    private static bool ParsesOrRejects(string text)
    {
        try
        {
            return FilterParser.Parse(text) is not null;
        }
        catch (FilterCompileException e)
        {
            return e.Position >= 0 && e.Position <= text.Length && e.Message.Length > 0;
        }
    }

    [Property(MaxTest = 500)]
    public bool TokenSoup_ParsesOrThrowsFilterCompileException(int[] picks, bool spaced)
    {
        var text = string.Join(spaced ? " " : "", picks.Select(p => Vocabulary[(int)((uint)p % (uint)Vocabulary.Length)]));
        return ParsesOrRejects(text);
    }

    [Property(MaxTest = 500)]
    public bool AnyString_ParsesOrThrowsFilterCompileException(string? text) => ParsesOrRejects(text ?? "");

    [Theory]
    [InlineData(20000)]
    public void DeepNesting_ParsesWithoutOverflowingTheStack(int depth)
    {
        var parens = new string('(', depth) + "tcp" + new string(')', depth);
        Assert.IsType<ProtoAbbreviation>(FilterParser.Parse(parens));
        var nots = string.Concat(Enumerable.Repeat("not ", depth)) + "tcp";
        Assert.IsType<NotExpression>(FilterParser.Parse(nots));
        var chain = string.Join(" or ", Enumerable.Repeat("tcp", depth));
        Assert.IsType<OrExpression>(FilterParser.Parse(chain));
    }
}
