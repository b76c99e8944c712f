using Bpf.Compiler;
using Bpf.Filtering;
using Bpf.Vm;
using Capture.Npcap;

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
        BpfValidationException => $"cannot run the program: {e.Message}",
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

    /// <summary>
    /// The filter for packets of a link type in input <paramref name="path"/>: an expression that does not
    /// compile for that link type names the file, whichever of several inputs brought the link type.
    /// </summary>
    /// <exception cref="InputException">The expression does not compile for the link type.</exception>
    public static PacketFilter FilterFor(PacketFilterCache filters, LinkType linkType, int snaplen, bool swapped, string path)
    {
        try
        {
            return filters.For(linkType, snaplen, swapped);
        }
        catch (FilterCompileException e)
        {
            throw new InputException($"{path}: cannot filter its link type {LinkTypes.Name(linkType)}: expression error at offset {e.Position}: {e.Message}", e);
        }
    }
}
