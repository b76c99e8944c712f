using System.Globalization;

namespace Capture.Pcapfile;

/// <summary>
/// Builds the <see cref="InvalidDataException"/> a malformed capture file raises: the message starts
/// with the byte offset of the damaged header, record or block and names the problem, and the offset
/// is also kept in the exception's <see cref="Exception.Data"/> for programs.
/// </summary>
public static class CaptureFileError
{
    /// <summary>The <see cref="Exception.Data"/> key holding the offset (a <see cref="long"/>).</summary>
    public const string OffsetKey = "CaptureFileOffset";

    /// <summary>Creates the exception for <paramref name="problem"/> found at <paramref name="offset"/>.</summary>
    public static InvalidDataException Create(long offset, string problem)
    {
        var exception = new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"at byte offset {offset}: {problem}"));
        exception.Data[OffsetKey] = offset;
        return exception;
    }

    /// <summary>The file offset a capture-file exception names, if it came from this library.</summary>
    public static bool TryGetOffset(InvalidDataException exception, out long offset)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.Data[OffsetKey] is long value)
        {
            offset = value;
            return true;
        }
        offset = 0;
        return false;
    }

    /// <summary>Throws; kept out of line so callers' hot paths stay small.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    internal static void Throw(long offset, string problem) => throw Create(offset, problem);
}
