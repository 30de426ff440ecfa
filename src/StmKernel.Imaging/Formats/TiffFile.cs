using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace StmKernel.Imaging.Formats;

/// <summary>
/// Baseline TIFF, first image only: one sample per pixel of 8/16/32-bit unsigned or signed integers
/// or 32/64-bit floats, in strips, uncompressed or Deflate (zlib), either byte order. Tiles,
/// predictors and colour images are rejected with a clear message. The writer stores little-endian
/// float32 in one uncompressed strip, with the physical size and units in the ImageDescription.
/// </summary>
internal static class TiffFile
{
    public static ReadOnlySpan<byte> MagicLE => "II*\0"u8;
    public static ReadOnlySpan<byte> MagicBE => "MM\0*"u8;
    private const string DescriptionPrefix = "stmkernel ";

    private const ushort ImageWidth = 256, ImageLength = 257, BitsPerSample = 258, Compression = 259,
        Photometric = 262, ImageDescription = 270, StripOffsets = 273, SamplesPerPixel = 277,
        RowsPerStrip = 278, StripByteCounts = 279, PlanarConfig = 284, Predictor = 317,
        TileWidth = 322, SampleFormat = 339;

    private sealed class Ifd(ByteReader r, bool be)
    {
        public Dictionary<ushort, (ushort Type, uint Count, int ValueAt)> Entries { get; } = new();

        public bool Has(ushort tag) => Entries.ContainsKey(tag);

        public long[] Numbers(ushort tag, string name)
        {
            var (type, count, at) = Entries.TryGetValue(tag, out var e) ? e : throw r.Bad(name, $"TIFF tag {tag}", "none");
            int size = type switch { 3 => 2, 4 => 4, 1 => 1, _ => throw r.Bad(name, "BYTE, SHORT or LONG values", $"type {type}") };
            r.Position = at;
            var span = r.Take(checked((int)count * size), name);
            var v = new long[count];
            for (int i = 0; i < count; i++)
                v[i] = size switch
                {
                    1 => span[i],
                    2 => be ? BinaryPrimitives.ReadUInt16BigEndian(span[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(span[(2 * i)..]),
                    _ => be ? BinaryPrimitives.ReadUInt32BigEndian(span[(4 * i)..]) : BinaryPrimitives.ReadUInt32LittleEndian(span[(4 * i)..]),
                };
            return v;
        }

        public long Number(ushort tag, string name, long fallback) => Has(tag) ? Numbers(tag, name) is { Length: > 0 } v ? v[0] : fallback : fallback;

        public string? Text(ushort tag)
        {
            if (!Entries.TryGetValue(tag, out var e) || e.Type != 2) return null;
            r.Position = e.ValueAt;
            return Encoding.Latin1.GetString(r.Take((int)e.Count, "ImageDescription")).TrimEnd('\0');
        }
    }

    public static StmDocument Read(byte[] bytes, string file)
    {
        var r = new ByteReader(bytes, file);
        bool be = bytes.AsSpan().StartsWith(MagicBE);
        uint U32(ReadOnlySpan<byte> s) => be ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
        ushort U16(ReadOnlySpan<byte> s) => be ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);
        r.Position = 4;
        uint ifdAt = U32(r.Take(4, "IFD offset"));
        if (ifdAt < 8 || ifdAt > bytes.Length - 2) throw r.Bad("IFD offset", $"in [8, {bytes.Length - 2}]", ByteReader.Num(ifdAt));
        r.Position = (int)ifdAt;
        int n = U16(r.Take(2, "IFD entry count"));
        r.Need(12L * n, $"{n} IFD entries");
        var ifd = new Ifd(r, be);
        for (int i = 0; i < n; i++)
        {
            var e = r.Take(12, "IFD entry");
            ushort tag = U16(e), type = U16(e[2..]);
            uint count = U32(e[4..]);
            int size = type switch { 1 or 2 or 6 or 7 => 1, 3 or 8 => 2, 4 or 9 or 11 => 4, 5 or 10 or 12 => 8, _ => 0 };
            if (size == 0) continue; // unknown type: skip the entry, as the TIFF spec asks
            long total = (long)count * size;
            long at = total <= 4 ? ifdAt + 2 + 12L * i + 8 : U32(e[8..]);
            if (at + total > bytes.Length) throw r.Bad($"TIFF tag {tag}", $"{total} bytes of values inside the file", $"offset {at} in a {bytes.Length}-byte file");
            ifd.Entries[tag] = (type, count, (int)at);
        }

        int width = Dim(r, ifd.Number(ImageWidth, "ImageWidth", 0), "ImageWidth");
        int height = Dim(r, ifd.Number(ImageLength, "ImageLength", 0), "ImageLength");
        if (ifd.Has(TileWidth)) throw r.Bad("TileWidth", "a strip-organised image", "a tiled image (not supported)");
        long spp = ifd.Number(SamplesPerPixel, "SamplesPerPixel", 1);
        if (spp != 1) throw r.Bad("SamplesPerPixel", "1 (grayscale)", ByteReader.Num(spp));
        long bits = ifd.Number(BitsPerSample, "BitsPerSample", 1);
        long format = ifd.Number(SampleFormat, "SampleFormat", 1);
        long compression = ifd.Number(Compression, "Compression", 1);
        long predictor = ifd.Number(Predictor, "Predictor", 1);
        if (predictor != 1) throw r.Bad("Predictor", "1 (none)", ByteReader.Num(predictor));
        if (compression is not (1 or 8 or 32946)) throw r.Bad("Compression", "1 (none) or 8 (Deflate)", ByteReader.Num(compression));
        Func<ReadOnlySpan<byte>, float> sample = (bits, format) switch
        {
            (8, 1) => s => s[0],
            (8, 2) => s => (sbyte)s[0],
            (16, 1) => s => U16(s),
            (16, 2) => s => (short)U16(s),
            (32, 1) => s => U32(s),
            (32, 2) => s => (int)U32(s),
            (32, 3) => s => be ? BinaryPrimitives.ReadSingleBigEndian(s) : BinaryPrimitives.ReadSingleLittleEndian(s),
            (64, 3) => s => (float)(be ? BinaryPrimitives.ReadDoubleBigEndian(s) : BinaryPrimitives.ReadDoubleLittleEndian(s)),
            _ => throw r.Bad("BitsPerSample/SampleFormat", "8/16/32-bit integers or 32/64-bit floats", $"{bits}-bit format {format}"),
        };
        int bps = (int)bits / 8;
        long rowBytes = (long)width * bps;
        long rowsPerStrip = Math.Clamp(ifd.Number(RowsPerStrip, "RowsPerStrip", height), 1, height);
        var offsets = ifd.Numbers(StripOffsets, "StripOffsets");
        var counts = ifd.Numbers(StripByteCounts, "StripByteCounts");
        long strips = (height + rowsPerStrip - 1) / rowsPerStrip;
        if (offsets.Length != strips || counts.Length != strips)
            throw r.Bad("StripOffsets/StripByteCounts", $"{strips} strips of {rowsPerStrip} rows", $"{offsets.Length} offsets and {counts.Length} byte counts");
        if (compression == 1 && rowBytes * height > bytes.Length) throw r.Bad("ImageWidth × ImageLength", $"at most {bytes.Length} bytes of pixels", $"{width}×{height}×{bps} bytes");

        // Decode every strip first (sizes checked, inflation bounded by real data), then allocate.
        var pixels = new List<byte[]>();
        for (int s = 0; s < strips; s++)
        {
            if (offsets[s] + counts[s] > bytes.Length) throw r.Bad($"strip {s}", $"bytes inside the {bytes.Length}-byte file", $"offset {offsets[s]} + {counts[s]}");
            long rows = Math.Min(rowsPerStrip, height - s * rowsPerStrip);
            var raw = bytes.AsSpan((int)offsets[s], (int)counts[s]);
            if (compression != 1) pixels.Add(Zlib.Inflate(raw, rows * rowBytes, file, $"strip {s} (Deflate)"));
            else if (raw.Length < rows * rowBytes) throw r.Bad($"strip {s}", $"{rows * rowBytes} bytes", $"{raw.Length}");
            else pixels.Add(raw[..(int)(rows * rowBytes)].ToArray());
        }
        var data = new float[(long)width * height];
        long k = 0;
        foreach (var pix in pixels)
            for (int i = 0; i + bps <= pix.Length; i += bps) data[k++] = sample(pix.AsSpan(i, bps));

        var desc = Description(ifd.Text(ImageDescription));
        double Get(string k, double fallback) => desc.TryGetValue(k, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d > 0 && double.IsFinite(d) ? d : fallback;
        bool known = desc.ContainsKey("xreal");
        var image = new StmImage(data, width, height)
        {
            PixelSizeX = Get("xreal", width) / width, PixelSizeY = Get("yreal", height) / height, PhysicalSizeKnown = known,
            ZUnit = desc.GetValueOrDefault("zunit", ""), Channel = desc.GetValueOrDefault("channel", ""),
            Direction = desc.GetValueOrDefault("direction") == "backward" ? ScanDirection.Backward : ScanDirection.Forward,
            SourceFile = file,
        };
        return new StmDocument(StmFormat.Tiff, [image], []);
    }

    private static int Dim(ByteReader r, long v, string field) =>
        v is >= 1 and <= 1 << 16 ? (int)v : throw r.Bad(field, "an integer in [1, 65536]", ByteReader.Num(v));

    /// <summary>Our ImageDescription: "stmkernel key=value key=value …" (values without spaces).</summary>
    private static Dictionary<string, string> Description(string? text)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text is null || !text.StartsWith(DescriptionPrefix, StringComparison.Ordinal)) return d;
        foreach (var kv in text[DescriptionPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = kv.IndexOf('=');
            if (eq > 0) d[kv[..eq]] = Uri.UnescapeDataString(kv[(eq + 1)..]);
        }
        return d;
    }

    /// <summary>Writes one image as little-endian float32, one uncompressed strip.</summary>
    public static void Write(string path, StmImage im)
    {
        var inv = CultureInfo.InvariantCulture;
        string desc = DescriptionPrefix + string.Join(' ', new[]
        {
            ("channel", im.Channel), ("direction", im.Direction == ScanDirection.Forward ? "forward" : "backward"), ("zunit", im.ZUnit),
        }.Select(kv => $"{kv.Item1}={Uri.EscapeDataString(kv.Item2)}"))
            + (im.PhysicalSizeKnown ? $" xreal={im.RealWidth.ToString("R", inv)} yreal={im.RealHeight.ToString("R", inv)}" : "");
        byte[] descBytes = Encoding.ASCII.GetBytes(desc + "\0");
        var entries = new List<(ushort Tag, ushort Type, uint Count, uint Value)>
        {
            (ImageWidth, 4, 1, (uint)im.Width), (ImageLength, 4, 1, (uint)im.Height), (BitsPerSample, 3, 1, 32),
            (Compression, 3, 1, 1), (Photometric, 3, 1, 1), (ImageDescription, 2, (uint)descBytes.Length, 0),
            (StripOffsets, 4, 1, 0), (SamplesPerPixel, 3, 1, 1), (RowsPerStrip, 4, 1, (uint)im.Height),
            (StripByteCounts, 4, 1, (uint)(4 * im.Data.Length)), (PlanarConfig, 3, 1, 1), (SampleFormat, 3, 1, 3),
        };
        uint ifdAt = 8;
        uint ifdSize = (uint)(2 + 12 * entries.Count + 4);
        uint descAt = ifdAt + ifdSize;
        uint dataAt = (descAt + (uint)descBytes.Length + 3) & ~3u;
        SafeWrite.Write(path, s =>
        {
            var w = new BinaryWriter(s);
            w.Write(MagicLE);
            w.Write(ifdAt);
            w.Write((ushort)entries.Count);
            foreach (var (tag, type, count, value) in entries)
            {
                w.Write(tag); w.Write(type); w.Write(count);
                uint v = tag switch { ImageDescription => descAt, StripOffsets => dataAt, _ => value };
                if (type == 3 && tag != ImageDescription) { w.Write((ushort)v); w.Write((ushort)0); } else w.Write(v);
            }
            w.Write(0u);
            w.Write(descBytes);
            while (s.Position < dataAt) w.Write((byte)0);
            var buf = new byte[4 * im.Data.Length];
            for (int i = 0; i < im.Data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(buf.AsSpan(4 * i), im.Data[i]);
            w.Write(buf);
            w.Flush();
        });
    }
}
