using System.Buffers.Binary;
using System.IO.Compression;

namespace StmKernel.Synthesis.Png;

/// <summary>
/// A minimal 8-bit greyscale PNG writer for contact sheets and previews (IHDR, one IDAT, IEND;
/// filter 0 on every row). Internal on purpose: the imaging library owns the real codec.
/// </summary>
internal static class GrayPng
{
    /// <summary>Encodes <paramref name="pixels"/> (row-major, width × height bytes) as a PNG file.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height)
    {
        if (width <= 0 || height <= 0 || pixels.Length != width * height)
            throw new ArgumentException($"pixel buffer of {pixels.Length} bytes does not match {width}×{height}");
        using var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 0;  // colour type: greyscale
        WriteChunk(file, "IHDR", ihdr);

        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                z.WriteByte(0); // filter type None
                z.Write(pixels.Slice(y * width, width));
            }
        }
        WriteChunk(file, "IDAT", idat.ToArray());
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>Maps a plane linearly from [lo, hi] to 0..255 (clamped).</summary>
    public static byte[] ToBytes(Plane plane, float lo, float hi)
    {
        var b = new byte[plane.Data.Length];
        float scale = hi > lo ? 255f / (hi - lo) : 0f;
        for (int i = 0; i < b.Length; i++) b[i] = (byte)Math.Clamp(MathF.Round((plane.Data[i] - lo) * scale), 0, 255);
        return b;
    }

    /// <summary>Writes a PNG via a temporary file and rename.</summary>
    public static void Write(string path, ReadOnlySpan<byte> pixels, int width, int height)
    {
        byte[] png = Encode(pixels, width, height);
        string tmp = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(tmp, png);
        File.Move(tmp, path, overwrite: true);
    }

    private static void WriteChunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        for (int i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
        s.Write(head);
        s.Write(data);
        uint crc = Crc32(Crc32(0xFFFFFFFFu, head[4..]), data) ^ 0xFFFFFFFFu;
        Span<byte> c = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(c, crc);
        s.Write(c);
    }

    // CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) as PNG chunks require; System.IO.Hashing is not on our package list.
    private static readonly uint[] CrcTable = BuildCrcTable();

    private static uint[] BuildCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }

    /// <summary>Continues a CRC-32 register over <paramref name="data"/> (start with 0xFFFFFFFF, finish by xor 0xFFFFFFFF).</summary>
    internal static uint Crc32(uint register, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) register = CrcTable[(register ^ b) & 0xFF] ^ (register >> 8);
        return register;
    }
}
