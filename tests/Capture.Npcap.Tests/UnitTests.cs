using Capture.Npcap.Native;

namespace Capture.Npcap.Tests;

/// <summary>The parts that need no capture rights.</summary>
public sealed class UnitTests
{
    [Fact]
    public void NpcapStatisticsRecord_IsTwoLittleEndianCounters()
    {
        byte[] record = [5, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x27, 0, 0, 1, 0, 0, 0];
        var stats = CaptureStatistics.ParseNpcapRecord(record, 1234);
        Assert.Equal(new CaptureStatistics(5, 0x1_0000_2710, 1234), stats);
        Assert.Throws<InvalidDataException>(() => CaptureStatistics.ParseNpcapRecord(record.AsSpan(0, 15), 0));
    }

    [Theory]
    [InlineData(false, 1_700_000_000L, 123_456L, 1_700_000_000_123_456_000L)]
    [InlineData(true, 1_700_000_000L, 123_456_789L, 1_700_000_000_123_456_789L)]
    public void PacketHeader_ReadsThePlatformLayout(bool nanoseconds, long seconds, long fraction, long expected)
    {
        var header = new byte[PacketHeader.Size];
        PacketHeader.Write(header, seconds, fraction, 77, 142);
        var (t, c, w) = ReadBack(header, nanoseconds);
        Assert.Equal((expected, 77u, 142u), (t, c, w));
    }

    private static unsafe (long, uint, uint) ReadBack(byte[] header, bool nanoseconds)
    {
        fixed (byte* p = header)
        {
            PacketHeader.Read((IntPtr)p, nanoseconds, out var timestamp, out var captured, out var wire);
            return (timestamp, captured, wire);
        }
    }

    [Fact]
    public void PacketHeader_OnLinux64_IsTwentyFourBytes()
    {
        if (OperatingSystem.IsLinux() && IntPtr.Size == 8)
            Assert.Equal(24, PacketHeader.Size);
        else if (OperatingSystem.IsWindows())
            Assert.Equal(16, PacketHeader.Size);
    }

    [Theory]
    [InlineData(0, 100, null)]
    [InlineData(65535, 0.5, null)]
    [InlineData(65535, 100, -1)]
    public void Options_OutOfRange_AreRejectedBeforeOpening(int snaplen, double timeoutMs, int? bufferSize)
    {
        var options = new LiveCaptureOptions { Snaplen = snaplen, ReadTimeout = TimeSpan.FromMilliseconds(timeoutMs), BufferSize = bufferSize };
        Assert.Throws<ArgumentOutOfRangeException>(() => LiveDevice.Open("lo", options));
    }

    [Fact]
    public void Options_InfiniteTimeout_IsLibpcapsZero()
    {
        Assert.Equal(0, new LiveCaptureOptions { ReadTimeout = Timeout.InfiniteTimeSpan }.TimeoutMilliseconds);
        Assert.Equal(100, new LiveCaptureOptions().TimeoutMilliseconds);
    }

    [Fact]
    public void Runtime_FindsTheCaptureLibrary()
    {
        // libpcap is installed wherever these tests run (the differential tests need it too).
        Assert.True(NpcapRuntime.IsAvailable, NpcapRuntime.UnavailableReason);
        Assert.Null(NpcapRuntime.UnavailableReason);
        Assert.Contains("version", NpcapRuntime.Version);
        Assert.Equal(OperatingSystem.IsWindows(), NpcapRuntime.IsNpcap);
        NpcapRuntime.EnsureAvailable();
    }
}
