using System.Runtime.InteropServices;

namespace Capture.Npcap.Native;

/// <summary>The two C library calls live capture makes beside libpcap's (Unix only).</summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    /// <summary><c>POLLIN</c>.</summary>
    public const short PollIn = 1;

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    /// <summary>Linux: reads a socket option (<c>SO_GET_FILTER</c>).</summary>
    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getsockopt(int fd, int level, int name, void* value, uint* length);

    /// <summary>Unix: waits for a descriptor (<c>poll</c>).</summary>
    [LibraryImport(Lib, SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint count, int timeoutMilliseconds);
}
