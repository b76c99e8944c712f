using System.Buffers.Binary;

namespace Capture.Pcapfile.Tests;

/// <summary>Writes integers in a chosen byte order, to craft files byte by byte.</summary>
internal class ByteWriter
{
    protected readonly List<byte> Bytes = [];

    public bool BigEndian { get; set; }

    public int Length => Bytes.Count;

    public ByteWriter U16(int value)
    {
        Span<byte> b = stackalloc byte[2];
        if (BigEndian) BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)value);
        else BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value);
        Bytes.AddRange(b.ToArray());
        return this;
    }

    public ByteWriter U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        if (BigEndian) BinaryPrimitives.WriteUInt32BigEndian(b, value);
        else BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Bytes.AddRange(b.ToArray());
        return this;
    }

    public ByteWriter U64(ulong value) => BigEndian ? U32((uint)(value >> 32)).U32((uint)value) : U32((uint)value).U32((uint)(value >> 32));

    public ByteWriter Raw(params byte[] data)
    {
        Bytes.AddRange(data);
        return this;
    }

    public byte[] ToArray() => Bytes.ToArray();
}

/// <summary>Crafts pcap files: a header, then records.</summary>
internal sealed class PcapBuilder : ByteWriter
{
    public PcapBuilder(uint magic = 0xa1b2c3d4, bool bigEndian = false, ushort major = 2, ushort minor = 4, uint snaplen = 65535, uint linkType = 1)
    {
        BigEndian = bigEndian;
        U32(magic).U16(major).U16(minor).U32(0).U32(0).U32(snaplen).U32(linkType);
    }

    public PcapBuilder Record(int seconds, int fraction, byte[] data, uint? wireLength = null, uint? capturedLength = null)
    {
        U32((uint)seconds).U32((uint)fraction).U32(capturedLength ?? (uint)data.Length).U32(wireLength ?? (uint)data.Length);
        Raw(data);
        return this;
    }
}

/// <summary>Crafts pcapng files block by block; each section may have its own byte order.</summary>
internal sealed class PcapNgBuilder : ByteWriter
{
    public PcapNgBuilder Section(bool bigEndian = false, ushort major = 1, ushort minor = 0)
    {
        BigEndian = bigEndian;
        return Block(0x0A0D0D0A, w => w.U32(0x1A2B3C4D).U16(major).U16(minor).U64(ulong.MaxValue));
    }

    /// <summary>An IDB; <paramref name="tsresol"/> adds if_tsresol, <paramref name="tsoffset"/> adds if_tsoffset.</summary>
    public PcapNgBuilder Interface(ushort linkType, uint snaplen = 65535, byte? tsresol = null, ulong? tsoffset = null, bool endOfOptions = true)
    {
        return Block(1, w =>
        {
            w.U16(linkType).U16(0).U32(snaplen);
            if (tsresol is { } r)
                w.U16(9).U16(1).Raw(r, 0, 0, 0);
            if (tsoffset is { } o)
                w.U16(14).U16(8).U64(o);
            if ((tsresol is not null || tsoffset is not null) && endOfOptions)
                w.U16(0).U16(0);
        });
    }

    public PcapNgBuilder Enhanced(uint interfaceId, ulong timestamp, byte[] data, uint? wireLength = null, uint? capturedLength = null) =>
        Block(6, w => w.U32(interfaceId).U32((uint)(timestamp >> 32)).U32((uint)timestamp)
            .U32(capturedLength ?? (uint)data.Length).U32(wireLength ?? (uint)data.Length).Raw(Padded(data)));

    public PcapNgBuilder Obsolete(ushort interfaceId, ulong timestamp, byte[] data, uint? wireLength = null) =>
        Block(2, w => w.U16(interfaceId).U16(0).U32((uint)(timestamp >> 32)).U32((uint)timestamp)
            .U32((uint)data.Length).U32(wireLength ?? (uint)data.Length).Raw(Padded(data)));

    public PcapNgBuilder Simple(uint wireLength, byte[] data) => Block(3, w => w.U32(wireLength).Raw(Padded(data)));

    /// <summary>Any block: type, length computed from the body, trailer (or <paramref name="trailer"/> when given).</summary>
    public PcapNgBuilder Block(uint type, Action<ByteWriter> body, uint? trailer = null, uint? length = null)
    {
        var content = new ByteWriter { BigEndian = BigEndian };
        body(content);
        var total = (uint)(12 + content.Length);
        U32(type).U32(length ?? total).Raw(content.ToArray()).U32(trailer ?? length ?? total);
        return this;
    }

    private static byte[] Padded(byte[] data)
    {
        var padded = new byte[(data.Length + 3) & ~3];
        data.CopyTo(padded, 0);
        return padded;
    }
}
