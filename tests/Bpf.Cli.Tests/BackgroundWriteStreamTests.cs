using Bpf.Vm;

namespace Bpf.Cli.Tests;

public class BackgroundWriteStreamTests
{
    [Fact]
    public void Writes_OfEverySize_ArriveInOrder_FlushMakesThemVisible()
    {
        var inner = new MemoryStream();
        var random = new Random(5);
        var expected = new MemoryStream();
        var stream = new BackgroundWriteStream(inner);
        for (var i = 0; i < 300; i++)
        {
            var chunk = new byte[random.Next(0, i % 50 == 0 ? 3_000_000 : 20_000)];
            random.NextBytes(chunk);
            stream.Write(chunk, 0, chunk.Length);
            expected.Write(chunk);
            if (i % 97 == 0)
            {
                stream.Flush();
                Assert.Equal(expected.Length, inner.Length);
            }
        }
        stream.Dispose();
        Assert.Equal(expected.ToArray(), inner.ToArray());
    }

    [Fact]
    public void WriteFailure_IsRethrownByALaterCall_AndTheStreamIsStillClosed()
    {
        var inner = new FailingStream();
        var stream = new BackgroundWriteStream(inner);
        stream.Write(new byte[2_000_000]);
        Assert.Throws<IOException>(() => stream.Flush());
        Assert.Throws<IOException>(() => stream.Dispose());
        Assert.True(inner.Disposed);
    }

    private sealed class FailingStream : MemoryStream
    {
        public bool Disposed { get; private set; }

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
