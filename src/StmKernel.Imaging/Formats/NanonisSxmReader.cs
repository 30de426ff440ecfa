using System.Buffers.Binary;
using System.Text;

namespace StmKernel.Imaging.Formats;

/// <summary>
/// Nanonis .sxm: a Latin-1 text header of `:TAG:` lines ending at `:SCANIT_END:`, then 0x1A 0x04,
/// then float32 images (big-endian for `FLOAT MSBFIRST`) in DATA_INFO order, forward then backward
/// for channels recorded in both directions. Backward images are mirrored and `up` scans flipped so
/// that row 0 is the top and column 0 the left edge, as in Gwyddion.
/// </summary>
internal static class NanonisSxmReader
{
    public static ReadOnlySpan<byte> Magic => ":NANONIS_VERSION:"u8;

    public static StmDocument Read(byte[] bytes, string file)
    {
        var r = new ByteReader(bytes, file);
        int end = HeaderText.IndexOf(bytes, ":SCANIT_END:"u8);
        if (end < 0) throw r.Bad("header end", "a ':SCANIT_END:' line", "none in the file");
        int marker = HeaderText.IndexOf(bytes, [0x1A, 0x04], end, end + 4096);
        if (marker < 0) throw r.Bad("data marker", "bytes 1A 04 after ':SCANIT_END:'", "none within 4 KiB");
        var tags = ParseTags(Encoding.Latin1.GetString(bytes, 0, end));

        string Tag(string name) => tags.TryGetValue(name, out var v) ? v : throw r.Bad(name, $"a :{name}: header entry", "none");

        string type = string.Join(' ', Tag("SCANIT_TYPE").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        bool bigEndian = type switch
        {
            "FLOAT MSBFIRST" => true,
            "FLOAT LSBFIRST" => false,
            _ => throw r.Bad("SCANIT_TYPE", "'FLOAT MSBFIRST' or 'FLOAT LSBFIRST'", HeaderText.Quote(type)),
        };
        var px = Words(Tag("SCAN_PIXELS"));
        if (px.Length != 2) throw r.Bad("SCAN_PIXELS", "two integers", HeaderText.Quote(Tag("SCAN_PIXELS")));
        int nx = HeaderText.Dimension(file, "SCAN_PIXELS (x)", px[0]);
        int ny = HeaderText.Dimension(file, "SCAN_PIXELS (y)", px[1]);
        var range = Words(Tag("SCAN_RANGE"));
        if (range.Length != 2) throw r.Bad("SCAN_RANGE", "two numbers", HeaderText.Quote(Tag("SCAN_RANGE")));
        double w = HeaderText.Double(file, "SCAN_RANGE (x)", range[0]), h = HeaderText.Double(file, "SCAN_RANGE (y)", range[1]);
        if (!(w > 0) || !(h > 0)) throw r.Bad("SCAN_RANGE", "positive sizes", HeaderText.Quote(Tag("SCAN_RANGE")));
        double ox = 0, oy = 0;
        if (tags.TryGetValue("SCAN_OFFSET", out var offText) && Words(offText) is { Length: 2 } off)
        {
            ox = HeaderText.Double(file, "SCAN_OFFSET (x)", off[0]);
            oy = HeaderText.Double(file, "SCAN_OFFSET (y)", off[1]);
        }
        bool up = tags.TryGetValue("SCAN_DIR", out var dir) && dir.Trim().Equals("up", StringComparison.OrdinalIgnoreCase);
        double? bias = tags.TryGetValue("BIAS", out var b) ? HeaderText.Double(file, "BIAS", b) : null;
        (double, string)? setpoint = tags.TryGetValue("Z-CONTROLLER", out var zc) ? TableValue(zc, "Setpoint") is { } sp ? HeaderText.ValueWithUnit(sp) : null : null;

        var rows = Table(Tag("DATA_INFO"));
        if (rows.Count < 2) throw r.Bad("DATA_INFO", "a header row and at least one channel row", $"{rows.Count} rows");
        int iName = Column(r, rows[0], "Name"), iUnit = Column(r, rows[0], "Unit"), iDir = Column(r, rows[0], "Direction");

        var meta = new Dictionary<string, string>();
        foreach (var (k, v) in tags) if (k != "DATA_INFO" && v.Length < 512) meta[k] = v.Trim();

        long planeBytes = 4L * nx * ny;
        var channels = new List<(string Name, string Unit, ScanDirection Dir)>();
        foreach (var row in rows.Skip(1))
        {
            if (row.Length <= Math.Max(iName, Math.Max(iUnit, iDir))) throw r.Bad("DATA_INFO row", $"{rows[0].Length} columns", $"{row.Length}");
            string d = row[iDir].Trim().ToLowerInvariant();
            if (d is not ("both" or "forward" or "backward")) throw r.Bad($"DATA_INFO direction of {row[iName]}", "both, forward or backward", HeaderText.Quote(row[iDir]));
            if (d != "backward") channels.Add((row[iName], row[iUnit], ScanDirection.Forward));
            if (d != "forward") channels.Add((row[iName], row[iUnit], ScanDirection.Backward));
        }
        r.Position = marker + 2;
        r.Need(planeBytes * channels.Count, $"image data ({channels.Count} planes of {nx}×{ny} float32)");

        var images = new List<StmImage>();
        foreach (var (name, unit, direction) in channels)
        {
            var raw = r.Take((int)planeBytes, $"{name} {direction}");
            var data = new float[nx * ny];
            for (int y = 0; y < ny; y++)
            {
                int dstRow = up ? ny - 1 - y : y;
                for (int x = 0; x < nx; x++)
                {
                    var s = raw.Slice(4 * (y * nx + x), 4);
                    float v = bigEndian ? BinaryPrimitives.ReadSingleBigEndian(s) : BinaryPrimitives.ReadSingleLittleEndian(s);
                    int dstCol = direction == ScanDirection.Backward ? nx - 1 - x : x;
                    data[dstRow * nx + dstCol] = v;
                }
            }
            images.Add(new StmImage(data, nx, ny)
            {
                PixelSizeX = w / nx, PixelSizeY = h / ny, OffsetX = ox, OffsetY = oy,
                ZUnit = unit, Channel = name, Direction = direction, SlowScan = up ? "up" : "down",
                BiasVolts = bias, Setpoint = setpoint?.Item1, SetpointUnit = setpoint?.Item2,
                SourceFile = file, Metadata = meta,
            });
        }
        var warnings = new List<string>();
        if (r.Remaining > 0) warnings.Add($"{file}: {r.Remaining} bytes after the last image were ignored");
        return new StmDocument(StmFormat.NanonisSxm, images, warnings);
    }

    /// <summary>Tag name → the text of its value lines (joined by newlines).</summary>
    private static Dictionary<string, string> ParseTags(string header)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var value = new StringBuilder();
        foreach (var line in header.Split('\n'))
        {
            string l = line.TrimEnd('\r');
            if (l.Length >= 2 && l[0] == ':' && l[^1] == ':')
            {
                if (current is not null) tags[current] = value.ToString();
                current = l[1..^1];
                value.Clear();
            }
            else if (current is not null)
            {
                if (value.Length > 0) value.Append('\n');
                value.Append(l);
            }
        }
        if (current is not null) tags[current] = value.ToString();
        return tags;
    }

    private static string[] Words(string s) => s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A tab-separated table (first row = column names), skipping blank lines.</summary>
    private static List<string[]> Table(string text) =>
        text.Split('\n').Where(l => l.Trim().Length > 0).Select(l => l.Trim('\r').TrimStart('\t').Split('\t').Select(c => c.Trim()).ToArray()).ToList();

    private static string? TableValue(string text, string column)
    {
        var t = Table(text);
        if (t.Count < 2) return null;
        int i = Array.IndexOf(t[0], column);
        return i >= 0 && i < t[1].Length ? t[1][i] : null;
    }

    private static int Column(ByteReader r, string[] header, string name)
    {
        int i = Array.IndexOf(header, name);
        return i >= 0 ? i : throw r.Bad("DATA_INFO", $"a '{name}' column", HeaderText.Quote(string.Join(' ', header)));
    }
}
