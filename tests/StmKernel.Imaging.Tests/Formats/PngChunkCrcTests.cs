using System.Buffers.Binary;
using System.Text;

namespace StmKernel.Imaging.Tests.Formats;

/// <summary>PNG chunk CRCs (System.IO.Hashing) against published values and the bitwise definition.</summary>
public class PngChunkCrcTests
{
    // An empty IEND chunk's CRC is the same in every PNG file: AE 42 60 82 (PNG spec example).
    [Fact]
    public void EmptyIendCarriesTheTextbookCrc()
    {
        byte[] png = PngPreview.Encode(new StmImage(new float[6], 3, 2), 0f, 1f);
        byte[] iend = [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];
        Assert.Equal(iend, png[^12..]);
    }

    [Fact]
    public void EveryWrittenChunkCrcMatchesTheBitwiseDefinition()
    {
        var rng = new Random(5);
        var im = new StmImage(Enumerable.Range(0, 17 * 11).Select(_ => (float)rng.NextDouble()).ToArray(), 17, 11);
        byte[] png = PngPreview.Encode(im, 0f, 1f, 16);
        var names = new List<string>();
        for (int at = 8; at < png.Length;)
        {
            int len = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            var typeAndBody = png.AsSpan(at + 4, 4 + len);
            names.Add(Encoding.ASCII.GetString(typeAndBody[..4]));
            Assert.Equal(ReferenceCrc32.Bitwise(typeAndBody), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + len)));
            at += 12 + len;
        }
        Assert.Equal(["IHDR", "tEXt", "IDAT", "IEND"], names);
    }
}
