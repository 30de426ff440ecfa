using System.Buffers.Binary;
using System.IO.Compression;
using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;
using StmKernel.Synthesis.Png;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Tests;

/// <summary>
/// The PNG writer, checked by decoding its output independently, and the contact sheets of
/// docs/synthesis.md. Set STMKERNEL_WRITE_DOCS=1 to (re)write docs/synthesis-*.png.
/// </summary>
public class ContactSheetTests
{
    private static readonly DegradationMode[] Rows =
        [DegradationMode.MultiTip, DegradationMode.Misalign, DegradationMode.TipChange, DegradationMode.Blunt, DegradationMode.Lines, DegradationMode.Sr2, DegradationMode.Sr4, DegradationMode.All];

    /// <summary>Decodes an 8-bit greyscale, filter-0 PNG: checks signature, chunk CRCs, IHDR; returns the pixels.</summary>
    private static (byte[] Pixels, int W, int H) Decode(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int pos = 8, w = 0, h = 0;
        var idat = new MemoryStream();
        while (pos < png.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = System.Text.Encoding.ASCII.GetString(png, pos + 4, 4);
            var body = png.AsSpan(pos + 8, len);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len));
            Assert.Equal(NaiveCrc(png.AsSpan(pos + 4, 4 + len)), crc);
            if (type == "IHDR") { w = BinaryPrimitives.ReadInt32BigEndian(body); h = BinaryPrimitives.ReadInt32BigEndian(body[4..]); Assert.Equal(8, body[8]); Assert.Equal(0, body[9]); }
            if (type == "IDAT") idat.Write(body);
            pos += 12 + len;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        Assert.Equal(h * (w + 1), bytes.Length);
        var pixels = new byte[w * h];
        for (int y = 0; y < h; y++)
        {
            Assert.Equal(0, bytes[y * (w + 1)]);
            Array.Copy(bytes, y * (w + 1) + 1, pixels, y * w, w);
        }
        return (pixels, w, h);
    }

    /// <summary>Bitwise CRC-32 (no table), independent of the writer's.</summary>
    private static uint NaiveCrc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (uint)-(int)(c & 1));
        }
        return ~c;
    }

    [Fact]
    public void PngRoundTripsAndUsesTheStandardCrc()
    {
        Assert.Equal(0xAE426082u, NaiveCrc("IEND"u8)); // the well-known CRC of an empty IEND chunk
        var pixels = Enumerable.Range(0, 13 * 7).Select(i => (byte)(i * 37)).ToArray();
        var (back, w, h) = Decode(GrayPng.Encode(pixels, 13, 7));
        Assert.Equal((13, 7), (w, h));
        Assert.Equal(pixels, back);
        var plane = new Plane(2, 2, [-1f, 0f, 0.5f, 3f]);
        Assert.Equal(new byte[] { 0, 128, 191, 255 }, GrayPng.ToBytes(plane, -1, 1));
    }

    /// <summary>Pastes tiles (each normalised to its own range, as an STM viewer shows them) into a sheet with 4 px gaps.</summary>
    private static Plane Sheet(IReadOnlyList<IReadOnlyList<Plane>> rows)
    {
        const int gap = 4;
        int tw = rows.Max(r => r.Max(t => t.Width)), th = rows.Max(r => r.Max(t => t.Height));
        int cols = rows.Max(r => r.Count);
        var sheet = new Plane(cols * (tw + gap) + gap, rows.Count * (th + gap) + gap);
        Array.Fill(sheet.Data, 1f);
        for (int r = 0; r < rows.Count; r++)
            for (int c = 0; c < rows[r].Count; c++)
            {
                var t = Normalisation.ToUnit(rows[r][c]);
                for (int y = 0; y < t.Height; y++)
                    t.Row(y).CopyTo(sheet.Row(gap + r * (th + gap) + y).Slice(gap + c * (tw + gap), t.Width));
            }
        return sheet;
    }

    private static IReadOnlyList<IReadOnlyList<Plane>> SheetRows(int pairsPerRow, IEnumerable<DegradationMode> modes)
    {
        var rows = new List<IReadOnlyList<Plane>>();
        // Pristine 128×128 crops (25 nm, the paper's tile) of full-size surfaces.
        var pristine = Enumerable.Range(0, 2 * pairsPerRow)
            .Select(i => SiH2x1Generator.Generate(new SurfaceParameters { Width = 192, Height = 192 }, 40 + i).Heights.Crop(32, 32, 128, 128))
            .ToArray();
        rows.Add(pristine);
        foreach (var mode in modes)
        {
            var source = new PairSource(new ProceduralSource(ProceduralSource.DefaultParameters, 7), DegradationSettings.ForMode(mode), 7);
            rows.Add(source.Pairs(DataSplit.Test).Take(pairsPerRow).SelectMany(p => new[] { p.Clean, p.Degraded }).ToArray());
        }
        return rows;
    }

    [Fact]
    public void ContactSheetRendersAndDecodes()
    {
        bool writeDocs = Environment.GetEnvironmentVariable("STMKERNEL_WRITE_DOCS") == "1";
        var sheet = Sheet(SheetRows(writeDocs ? 3 : 1, writeDocs ? Rows : [DegradationMode.All]));
        var bytes = GrayPng.ToBytes(sheet, 0, 1);
        var (back, w, h) = Decode(GrayPng.Encode(bytes, sheet.Width, sheet.Height));
        Assert.Equal((sheet.Width, sheet.Height), (w, h));
        Assert.Equal(bytes, back);
        Assert.True(back.Distinct().Count() > 100, "a contact sheet of STM images should use most grey levels");
        if (!writeDocs) return;

        string docs = Path.Combine(RepoRoot(), "docs");
        GrayPng.Write(Path.Combine(docs, "synthesis-contact-sheet.png"), bytes, w, h);
        var full = SiH2x1Generator.Generate(new SurfaceParameters(), 2024).Heights;
        var (lo, hi) = full.Range();
        GrayPng.Write(Path.Combine(docs, "synthesis-pristine-512.png"), GrayPng.ToBytes(full, lo, hi), 512, 512);
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "StmKernel.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("StmKernel.sln not found above " + AppContext.BaseDirectory);
    }
}
