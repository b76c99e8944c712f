namespace Bpf.Fuzz.Targets;

/// <summary>
/// One input surface under the fuzzer. <see cref="Run"/> returns normally for every input the code
/// under test handles as it documents (including its own typed rejection); anything else, an
/// unexpected exception, a broken invariant (<see cref="FuzzFinding"/>) or a fault, is a finding.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>The name used by fuzz/run, the corpus folder and the dictionary file.</summary>
    string Name { get; }

    /// <summary>One line: what the target feeds and what it checks.</summary>
    string Description { get; }

    /// <summary>Runs one input.</summary>
    void Run(byte[] input);
}

/// <summary>An invariant the fuzzer broke: engines disagreeing, a reader contradicting itself, a bound exceeded.</summary>
internal sealed class FuzzFinding(string message) : Exception(message)
{
    /// <summary>Throws a finding unless <paramref name="condition"/> holds.</summary>
    public static void Check(bool condition, string message)
    {
        if (!condition)
            throw new FuzzFinding(message);
    }
}
