using System.Collections;
using System.Collections.Immutable;

namespace Bpf.Vm;

/// <summary>
/// An immutable sequence of classic BPF instructions. Creating one does not validate it:
/// use <c>BpfValidator</c> before handing it to an engine.
/// </summary>
public sealed class BpfProgram : IReadOnlyList<Instruction>, IEquatable<BpfProgram>
{
    private readonly ImmutableArray<Instruction> _instructions;

    /// <summary>Wraps a copy of <paramref name="instructions"/>.</summary>
    public BpfProgram(IEnumerable<Instruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        _instructions = [.. instructions];
    }

    /// <summary>Wraps a copy of <paramref name="instructions"/>.</summary>
    public BpfProgram(ReadOnlySpan<Instruction> instructions) => _instructions = [.. instructions];

    /// <summary>The instructions.</summary>
    public ImmutableArray<Instruction> Instructions => _instructions;

    /// <summary>The instructions as a span (for engines).</summary>
    public ReadOnlySpan<Instruction> AsSpan() => _instructions.AsSpan();

    /// <inheritdoc />
    public int Count => _instructions.Length;

    /// <inheritdoc />
    public Instruction this[int index] => _instructions[index];

    /// <inheritdoc />
    public IEnumerator<Instruction> GetEnumerator() => ((IEnumerable<Instruction>)_instructions).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(BpfProgram? other) =>
        other is not null && _instructions.AsSpan().SequenceEqual(other._instructions.AsSpan());

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as BpfProgram);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var insn in _instructions)
            hash.Add(insn);
        return hash.ToHashCode();
    }
}
