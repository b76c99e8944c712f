namespace Bpf.Cli;

/// <summary>A command line that does not follow a verb's usage (exit status 2).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Input that cannot be processed: a file, program or expression (exit status 1).</summary>
internal sealed class InputException(string message, Exception? inner = null) : Exception(message, inner);
