using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// Value numbering (libpcap's <c>F</c>, <c>K</c> and <c>vmap</c>): equal (opcode, operand values)
/// get equal numbers, and numbers of immediate loads remember their constant. Number 0 is
/// "unknown" and is never assigned.
/// </summary>
internal sealed class ValueTable
{
    /// <summary>The unknown value.</summary>
    public const uint Unknown = 0;

    private readonly Dictionary<(int Code, uint V0, uint V1), uint> _numbers = [];
    private readonly List<(bool IsConst, uint Value)> _constants = [(false, 0)];

    /// <summary>The number of the value computed by <paramref name="code"/> from <paramref name="v0"/>, <paramref name="v1"/>.</summary>
    public uint Number(int code, uint v0, uint v1)
    {
        if (_numbers.TryGetValue((code, v0, v1), out var val))
        {
            return val;
        }

        val = (uint)_constants.Count;
        var isImmediate = Opcodes.ModeOf((ushort)code) == Opcodes.Imm
            && (Opcodes.ClassOf((ushort)code) == Opcodes.Ld || Opcodes.ClassOf((ushort)code) == Opcodes.Ldx);
        _constants.Add((isImmediate, v0));
        _numbers.Add((code, v0, v1), val);
        return val;
    }

    /// <summary>The number of the constant <paramref name="k"/> (libpcap's <c>K(k)</c>).</summary>
    public uint Constant(uint k) => Number(Opcodes.Ld | Opcodes.Imm | Opcodes.W, k, 0);

    /// <summary>True when <paramref name="val"/> is a known constant.</summary>
    public bool IsConst(uint val) => _constants[(int)val].IsConst;

    /// <summary>The constant of <paramref name="val"/> (0 when it is not one).</summary>
    public uint ConstValue(uint val) => _constants[(int)val].Value;
}
