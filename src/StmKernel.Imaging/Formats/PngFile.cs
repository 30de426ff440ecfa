using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace StmKernel.Imaging.Formats;

/// <summary>
/// PNG in and out. Reads non-interlaced 8/16-bit grayscale, gray+alpha, RGB and RGBA (colour
/// converted to luma with Rec. 601 weights, alpha ignored), checking every chunk CRC. Writes 8- or
/// 16-bit grayscale previews with a percentile stretch or a fixed range (values outside the range clip,
/// NaN becomes black). PNG carries no physical scale, so images read from PNG have unknown size.
/// </summary>
internal static class PngFile
{
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static StmDocument Read(byte[] bytes, string file)
    {
        var r = new ByteReader(bytes, file);
        r.Position = 8;
        int width = 0, height = 0, depth = 0, colour = -1;
        var idat = new MemoryStream();
        bool end = false;
        while (!end)
        {
            int at = r.Position;
            uint len = BinaryPrimitives.ReadUInt32BigEndian(r.Take(4, "chunk length"));
            var type = r.Take(4, "chunk type");
            string name = Encoding.ASCII.GetString(type);
            r.Need((long)len + 4, $"{name} chunk at offset {at} ({len} bytes + CRC)");
            var body = r.Take((int)len, name);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(r.Take(4, $"{name} CRC"));
            uint computed = ChunkCrc(type, body);
            if (crc != computed) throw r.Bad($"{name} chunk CRC at offset {at}", $"0x{computed:X8}", $"0x{crc:X8}");
            switch (name)
            {
                case "IHDR":
                    if (len != 13) throw r.Bad("IHDR length", "13", ByteReader.Num(len));
                    width = Dim(r, BinaryPrimitives.ReadUInt32BigEndian(body), "IHDR width");
                    height = Dim(r, BinaryPrimitives.ReadUInt32BigEndian(body[4..]), "IHDR height");
                    depth = body[8];
                    colour = body[9];
                    if (body[12] != 0) throw r.Bad("IHDR interlace", "0 (not interlaced)", $"{body[12]} (Adam7 is not supported)");
                    if (colour is not (0 or 2 or 4 or 6)) throw r.Bad("IHDR colour type", "0 (gray), 2 (RGB), 4 (gray+alpha) or 6 (RGBA)", $"{colour}");
                    if (depth is not (8 or 16)) throw r.Bad("IHDR bit depth", "8 or 16", $"{depth}");
                    break;
                case "IDAT":
                    if (width == 0) throw r.Bad("chunk order", "IHDR before IDAT", "IDAT first");
                    idat.Write(body);
                    break;
                case "IEND": end = true; break;
            }
        }
        if (width == 0) throw r.Bad("IHDR", "an IHDR chunk", "none");
        int channels = colour switch { 0 => 1, 2 => 3, 4 => 2, _ => 4 };
        int bpp = channels * depth / 8;
        long stride = (long)width * bpp;
        var raw = Zlib.Inflate(idat.GetBuffer().AsSpan(0, (int)idat.Length), (stride + 1) * height, file, "IDAT image data");
        Unfilter(r, raw, (int)stride, height, bpp);

        var data = new float[(long)width * height];
        for (int y = 0; y < height; y++)
        {
            int rowAt = (int)(y * (stride + 1) + 1);
            for (int x = 0; x < width; x++)
            {
                int p = rowAt + x * bpp;
                float Sample(int c) => depth == 8 ? raw[p + c] : BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(p + 2 * c));
                data[y * width + x] = channels >= 3 ? 0.299f * Sample(0) + 0.587f * Sample(1) + 0.114f * Sample(2) : Sample(0);
            }
        }
        var image = new StmImage(data, width, height) { PhysicalSizeKnown = false, SourceFile = file };
        return new StmDocument(StmFormat.Png, [image], []);
    }

    private static int Dim(ByteReader r, uint v, string field) =>
        v is >= 1 and <= 1 << 16 ? (int)v : throw r.Bad(field, "an integer in [1, 65536]", ByteReader.Num(v));

    /// <summary>Undoes the per-row PNG filters (None, Sub, Up, Average, Paeth) in place.</summary>
    private static void Unfilter(ByteReader r, byte[] raw, int stride, int height, int bpp)
    {
        for (int y = 0; y < height; y++)
        {
            int o = y * (stride + 1);
            byte filter = raw[o];
            var cur = raw.AsSpan(o + 1, stride);
            var prev = y > 0 ? raw.AsSpan(o - stride, stride) : Span<byte>.Empty;
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bpp ? cur[i - bpp] : 0, b = y > 0 ? prev[i] : 0, c = i >= bpp && y > 0 ? prev[i - bpp] : 0;
                cur[i] += filter switch
                {
                    0 => 0,
                    1 => (byte)a,
                    2 => (byte)b,
                    3 => (byte)((a + b) >> 1),
                    4 => (byte)Paeth(a, b, c),
                    _ => throw r.Bad($"row {y} filter", "0–4", $"{filter}"),
                };
            }
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Writes a grayscale preview; values between the two percentiles map linearly to the full range.</summary>
    public static void Write(string path, StmImage im, int bitDepth, double lowPercentile, double highPercentile)
    {
        CheckBitDepth(bitDepth);
        var (lo, hi) = Stretch.Percentiles(im.Data, lowPercentile, highPercentile);
        byte[] png = Encode(im, bitDepth, lo, hi, $"{lowPercentile}–{highPercentile} percentile stretch");
        SafeWrite.Write(path, s => s.Write(png));
    }

    /// <summary>Throws unless <paramref name="bitDepth"/> is one the preview encoder writes.</summary>
    private static void CheckBitDepth(int bitDepth)
    {
        if (bitDepth is not (8 or 16)) throw new ArgumentOutOfRangeException(nameof(bitDepth), "PNG previews are 8 or 16 bit");
    }

    /// <summary>
    /// The one preview encoder: [<paramref name="lo"/>, <paramref name="hi"/>] maps linearly to 0…max
    /// (clamped, rounded half to even; NaN and ±∞ become black), unfiltered rows, one IDAT.
    /// <paramref name="rangeNote"/> says in the tEXt title how the range was chosen.
    /// </summary>
    public static byte[] Encode(StmImage im, int bitDepth, float lo, float hi, string rangeNote)
    {
        CheckBitDepth(bitDepth);
        double max = bitDepth == 8 ? 255 : 65535;
        double scale = hi > lo ? max / (hi - lo) : 0;
        int bpp = bitDepth / 8;
        int stride = im.Width * bpp;
        var raw = new byte[(stride + 1) * im.Height];
        for (int y = 0; y < im.Height; y++)
        {
            int o = y * (stride + 1); // filter byte 0 = None
            for (int x = 0; x < im.Width; x++)
            {
                float v = im.Data[y * im.Width + x];
                int q = float.IsFinite(v) ? (int)Math.Round(Math.Clamp((v - lo) * scale, 0, max)) : 0;
                if (bitDepth == 8) raw[o + 1 + x] = (byte)q;
                else BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(o + 1 + 2 * x), (ushort)q);
            }
        }
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)im.Width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)im.Height);
        ihdr[8] = (byte)bitDepth; // colour type 0, compression 0, filter 0, interlace 0
        string text = $"Title\0{im.Title} ({rangeNote}: {lo:G6}…{hi:G6} {im.ZUnit})";
        using var s = new MemoryStream();
        s.Write(Magic);
        Chunk(s, "IHDR", ihdr);
        Chunk(s, "tEXt", Encoding.Latin1.GetBytes(text));
        Chunk(s, "IDAT", Zlib.Deflate(raw));
        Chunk(s, "IEND", []);
        return s.ToArray();
    }

    private static void Chunk(Stream s, string type, ReadOnlySpan<byte> body)
    {
        Span<byte> u = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(u, (uint)body.Length);
        s.Write(u);
        var t = Encoding.ASCII.GetBytes(type);
        s.Write(t);
        s.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(u, ChunkCrc(t, body));
        s.Write(u);
    }

    // A chunk's CRC covers its type and body, not its length (PNG spec 5.3).
    private static uint ChunkCrc(ReadOnlySpan<byte> type, ReadOnlySpan<byte> body)
    {
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(body);
        return crc.GetCurrentHashAsUInt32();
    }
}
