using Bpf.Vm;

namespace Bpf.Jit.Tests;

/// <summary>The case table, run on every available engine (libpcap included, as the oracle).</summary>
public class CaseTableTests
{
    public static TheoryData<Engine, string> CasesPerEngine()
    {
        var data = new TheoryData<Engine, string>();
        foreach (var engine in Engines.Available)
            foreach (var c in EngineCases.All.Where(c => engine != Engine.Libpcap || c.LibpcapDefined))
                data.Add(engine, c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesPerEngine))]
    public void Case_ReturnsWhatBpfFilterReturns(Engine engine, string name)
    {
        var c = EngineCases.Named(name);
        Assert.Equal(c.Expected, Engines.Run(engine, c.Program, c.Packet, c.WireLength));
    }

    [Fact]
    public void CaseTable_HasUniqueNames() =>
        Assert.Equal(EngineCases.All.Count, EngineCases.All.Select(c => c.Name).Distinct().Count());
}
