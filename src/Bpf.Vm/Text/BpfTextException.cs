namespace Bpf.Vm;

/// <summary>A program text that is not what <c>tcpdump -d</c>, <c>-dd</c> or <c>-ddd</c> prints.</summary>
public sealed class BpfTextException : FormatException
{
    /// <summary>Creates the exception for a problem on 1-based line <paramref name="lineNumber"/>.</summary>
    public BpfTextException(int lineNumber, string reason)
        : base($"line {lineNumber}: {reason}")
    {
        LineNumber = lineNumber;
        Reason = reason;
    }

    /// <summary>The 1-based line the problem is on.</summary>
    public int LineNumber { get; }

    /// <summary>What is wrong with that line, without the line number.</summary>
    public string Reason { get; }
}
