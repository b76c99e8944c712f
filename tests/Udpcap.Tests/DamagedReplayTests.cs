using System.Net;
using Bpf.Vm;
using Capture.Pcapfile;

namespace Udpcap.Tests;

/// <summary>A replay that stops at damage reports it to every receive, however late.</summary>
public class DamagedReplayTests
{
    [Fact]
    public void TruncatedFile_ReceiveAfterThePumpEnded_ReportsTheFailure_NotTheEnd()
    {
        // Found by the CLI's bad-input matrix: a receive that came after the pump had stopped at the
        // damage re-ended the queue without the fault, so `bpf udp-recv` sometimes exited 0 on a damaged file.
        var path = Path.Combine(Path.GetTempPath(), $"udpcap-damaged-{Guid.NewGuid():N}.pcap");
        var good = File.ReadAllBytes(Bpf.Testing.TestData.Corpus("EN10MB"));
        File.WriteAllBytes(path, good[..(24 + 16 + 5)]);
        try
        {
            using var capture = UdpcapCapture.Create(CaptureFileReader.Open(path));
            using var socket = capture.CreateSocket();
            socket.Bind(IPAddress.Any, 53);
            capture.Start();
            for (var i = 0; i < 200 && !capture.HasEnded; i++)
                Thread.Sleep(50);
            Assert.True(capture.HasEnded);

            var buffer = new byte[2048];
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var e = Assert.Throws<UdpcapException>(() => socket.Receive(buffer, TimeSpan.FromSeconds(5)));
                Assert.Equal(UdpcapError.CaptureFailed, e.Error);
                Assert.Contains("byte offset 24", e.Message);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
