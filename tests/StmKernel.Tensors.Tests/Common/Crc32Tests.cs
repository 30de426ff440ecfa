using System.Text;

namespace StmKernel.Tensors.Tests.Common;

public class Crc32Tests
{
    // Published check values of CRC-32/ISO-HDLC (zlib, PNG): the catalogue's "123456789" check and common strings.
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("abc", 0x352441C2u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void KnownVectors(string text, uint expected) =>
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void MatchesBitwiseReferenceAtEveryLengthAndAlignment()
    {
        var rng = new Random(7);
        var buffer = new byte[300];
        rng.NextBytes(buffer);
        for (int start = 0; start < 9; start++)
        {
            for (int length = 0; start + length <= buffer.Length; length += 1 + length / 7)
            {
                var span = buffer.AsSpan(start, length);
                Assert.Equal(BitwiseCrc(span), Crc32.Compute(span));
            }
        }
    }

    [Fact]
    public void AppendEqualsWhole()
    {
        var data = new byte[1000];
        new Random(3).NextBytes(data);
        for (int split = 0; split <= data.Length; split += 37)
            Assert.Equal(Crc32.Compute(data), Crc32.Append(Crc32.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
    }

    // The textbook one-bit-at-a-time definition, independent of the table code.
    private static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
        }
        return ~c;
    }
}
