using Bpf.Compiler;
using Capture.Npcap;

using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>Turns the exceptions bad input raises into the one-line messages the tool prints.</summary>
internal static class InputErrors
{
    /// <summary>A one-line description of an input error, or null for a bug (which then propagates).</summary>
    public static string? Describe(Exception e) => e switch
    {
        InputException => e.Message,
        Bpf.Verification.VerificationException => e.Message,
        FilterCompileException f => $"expression error at offset {f.Position}: {f.Message}",
        InvalidDataException => e.Message,
        LiveCaptureException => e.Message,
        Udpcap.UdpcapException => e.Message,
        FileNotFoundException f => $"{f.FileName ?? "file"}: no such file",
        DirectoryNotFoundException => e.Message,
        UnauthorizedAccessException => e.Message,
        IOException => e.Message,
        FormatException => e.Message,
        _ => null,
    };
}
