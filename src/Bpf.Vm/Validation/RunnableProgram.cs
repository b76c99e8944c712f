namespace Bpf.Vm;

/// <summary>
/// A program checked once against <see cref="ValidationProfile.Runnable"/>: every engine
/// (<see cref="BpfInterpreter"/>, the JIT) takes it and runs it without checking it again.
/// </summary>
public sealed class RunnableProgram
{
    private RunnableProgram(BpfProgram program) => Program = program;

    /// <summary>The program.</summary>
    public BpfProgram Program { get; }

    /// <summary>Checks <paramref name="program"/> against <see cref="ValidationProfile.Runnable"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="BpfValidationException">
    /// The program cannot run: libpcap's <c>bpf_validate</c> rejects it, or it holds an opcode no engine
    /// executes or a jump to itself; the exception carries the first problem's kind and instruction index.
    /// </exception>
    public static RunnableProgram Validate(BpfProgram program)
    {
        BpfValidator.ThrowIfInvalid(program, ValidationProfile.Runnable);
        return new RunnableProgram(program);
    }
}
