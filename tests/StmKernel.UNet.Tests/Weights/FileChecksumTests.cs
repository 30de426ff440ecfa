using System.Text;
using StmKernel.UNet.Weights;

namespace StmKernel.UNet.Tests.Weights;

/// <summary>
/// The checksum that .stmw trailers and <c>info</c> use (<see cref="MappedFile.Crc32"/>, System.IO.Hashing
/// underneath) against published CRC-32/ISO-HDLC check values and the bitwise definition.
/// </summary>
public class FileChecksumTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("abc", 0x352441C2u)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void KnownVectors(string text, uint expected)
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, Encoding.ASCII.GetBytes(text));
            using var f = new MappedFile(path);
            Assert.Equal(expected, f.Crc32(0, f.Length));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void SubrangesMatchTheBitwiseDefinition()
    {
        var bytes = new byte[300];
        new Random(7).NextBytes(bytes);
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, bytes);
            using var f = new MappedFile(path);
            for (int start = 0; start < 9; start++)
                for (int length = 0; start + length <= bytes.Length; length += 1 + length / 7)
                    Assert.Equal(ReferenceCrc32.Bitwise(bytes.AsSpan(start, length)), f.Crc32(start, length));
        }
        finally { File.Delete(path); }
    }
}
