using System.Buffers.Binary;
using System.Globalization;

namespace StmKernel.Imaging.Formats;

/// <summary>
/// Omicron MATRIX image files (e.g. `PREFIX--7_100.Z_mtrx`): `ONTMATRX0101`, then a BKLT block with
/// a DESC block (intended and captured point counts) and a DATA block of int32 values ordered
/// [up/down][line][trace/retrace][x]. Size, retrace flags and the raw → physical transfer function
/// come from the parameter file `PREFIX_0001.mtrx` next to it; without it the image is read in raw
/// units with a guessed square size and a warning. Missing points of an aborted frame are NaN.
/// Orientation follows Gwyddion: up planes are flipped so row 0 is the top, retrace planes mirrored.
/// </summary>
internal static class OmicronMatrixReader
{
    public static ReadOnlySpan<byte> Magic => "ONTMATRX0101TLKB"u8;

    /// <summary>Reads the image; <paramref name="sidecar"/> returns a companion file's bytes (the parameter file) or null when absent.</summary>
    public static StmDocument Read(byte[] bytes, string file, Func<string, byte[]?> sidecar)
    {
        var r = new ByteReader(bytes, file);
        var warnings = new List<string>();
        r.Position = 12;
        Expect(r, "BKLT");
        r.U32LE("BKLT length");
        r.Skip(12, "BKLT timestamp");
        long intended = -1, captured = -1;
        ReadOnlySpan<byte> data = default;
        while (r.Remaining >= 8)
        {
            string tag = Tag(r);
            uint len = r.U32LE($"{tag} length");
            if (tag == "DESC")
            {
                var d = r.Window((int)Math.Min(len, (uint)r.Remaining), "DESC block");
                d.Skip(20, "DESC header");
                intended = d.U32LE("DESC intended point count");
                captured = d.U32LE("DESC captured point count");
            }
            else if (tag == "DATA")
            {
                if (len > r.Remaining)
                {
                    warnings.Add($"{file}: DATA block claims {len} bytes but only {r.Remaining} remain; reading what is there");
                    len = (uint)r.Remaining;
                }
                data = r.Take((int)len, "DATA block");
                break;
            }
            else break;
        }
        if (intended < 0) throw r.Bad("DESC block", "a DESC block before the data", "none");
        if (data.IsEmpty && captured > 0) throw r.Bad("DATA block", "a DATA block", "none");
        // An aborted frame legitimately holds fewer points than intended, but not arbitrarily fewer:
        // bound the allocation by the data present plus 4 Mi points.
        long maxIntended = data.Length + (4L << 20);
        if (intended == 0 || intended > maxIntended) throw r.Bad("DESC intended point count", $"between 1 and {maxIntended} for a {data.Length}-byte DATA block", ByteReader.Num(intended));
        long available = Math.Min(Math.Min(captured, intended), data.Length / 4);
        if (captured < intended) warnings.Add($"{file}: incomplete frame, {captured} of {intended} points captured; the rest is marked missing (NaN)");

        var (session, trace, channel, prefix) = ParseName(file);
        string paramPath = prefix is null ? "" : prefix + "_0001.mtrx";
        MatrixParameterFile? param = null;
        if (prefix is not null && sidecar(paramPath) is { } paramBytes)
        {
            param = MatrixParameterFile.Read(paramBytes, paramPath, Path.GetFileName(file));
            if (!param.FoundImage) warnings.Add($"{paramPath}: no reference to {Path.GetFileName(file)}; using the last parameters in the file");
        }
        else warnings.Add($"{file}: parameter file {(prefix is null ? "(name not derivable)" : Path.GetFileName(paramPath))} not found; image read in raw units with a guessed size");

        int xres = 0, yres = 0;
        bool xRetrace = true, yRetrace = true;
        double width = 1, height = 1;
        bool sizeKnown = false;
        if (param is not null)
        {
            xres = (int)Math.Min(Long(param, "XYScanner.Points"), int.MaxValue);
            yres = (int)Math.Min(Long(param, "XYScanner.Lines"), int.MaxValue);
            xRetrace = Bool(param, "XYScanner.X_Retrace", true);
            yRetrace = Bool(param, "XYScanner.Y_Retrace", true);
            double zoom = Math.Max(1, Long(param, "XYScanner.Zoom"));
            width = Double(param, "XYScanner.Width") / zoom;
            height = Double(param, "XYScanner.Height") / zoom;
            sizeKnown = width > 0 && height > 0;
            int mult = (xRetrace ? 2 : 1) * (yRetrace ? 2 : 1);
            if (xres <= 0 || yres <= 0 || (long)xres * yres * mult > intended)
            {
                warnings.Add($"{paramPath}: {xres}×{yres} points × {mult} directions do not fit the {intended} intended points; guessing the size");
                xres = 0;
            }
        }
        if (xres <= 0)
        {
            (xres, xRetrace, yRetrace) = GuessSquare(r, intended);
            yres = xres;
        }
        if (!sizeKnown) { width = xres; height = yres; }

        var (q, z0, unit) = Scaling(param, channel, warnings, file);
        // Planes in acquisition order (trace up, retrace up, trace down, retrace down), NaN until captured.
        var planes = new List<(float[] Data, ScanDirection Dir, bool Up)>();
        foreach (bool up in yRetrace ? new[] { true, false } : [true])
            foreach (var dir in xRetrace ? new[] { ScanDirection.Forward, ScanDirection.Backward } : [ScanDirection.Forward])
            {
                var a = new float[(long)xres * yres];
                Array.Fill(a, float.NaN);
                planes.Add((a, dir, up));
            }
        // Acquisition order: for each slow direction, each line, trace then retrace.
        long k = 0;
        int perSlow = xRetrace ? 2 : 1;
        for (int s = 0; s < (yRetrace ? 2 : 1); s++)
            for (int line = 0; line < yres; line++)
                for (int t = 0; t < perSlow; t++)
                {
                    var (plane, dir, up) = planes[s * perSlow + t];
                    int row = up ? yres - 1 - line : line;
                    for (int x = 0; x < xres && k < available; x++, k++)
                    {
                        int col = dir == ScanDirection.Backward ? xres - 1 - x : x;
                        int raw = BinaryPrimitives.ReadInt32LittleEndian(data.Slice((int)(4 * k), 4));
                        plane[row * xres + col] = (float)(raw * q + z0);
                    }
                }

        var meta = new Dictionary<string, string> { ["Session"] = session, ["Trace"] = trace };
        if (param is not null) foreach (var (key, v) in param.Values) if (v.Length < 256) meta[key] = v;
        double? bias = param is not null && param.Values.TryGetValue("GapVoltageControl.Voltage", out var bv) && double.TryParse(bv, NumberStyles.Float, CultureInfo.InvariantCulture, out double b) ? b : null;
        double? setpoint = param is not null && param.Values.TryGetValue("Regulator.Setpoint_1", out var sv) && double.TryParse(sv, NumberStyles.Float, CultureInfo.InvariantCulture, out double sp) ? sp : null;
        var images = planes.Select(p => new StmImage(p.Data, xres, yres)
        {
            PixelSizeX = width / xres, PixelSizeY = height / yres, PhysicalSizeKnown = sizeKnown,
            ZUnit = unit, Channel = channel, Direction = p.Dir, SlowScan = p.Up ? "up" : "down",
            BiasVolts = bias, Setpoint = setpoint, SetpointUnit = setpoint is null ? null : "A",
            SourceFile = file, Metadata = meta,
        }).ToList();
        return new StmDocument(StmFormat.OmicronMatrix, images, warnings);
    }

    /// <summary>Raw → physical: value = raw·q + z0 from the channel's transfer function (identity when unknown).</summary>
    private static (double Q, double Z0, string Unit) Scaling(MatrixParameterFile? param, string channel, List<string> warnings, string file)
    {
        if (param is null) return (1, 0, "");
        if (!param.Channels.TryGetValue(channel, out var ch))
        {
            warnings.Add($"{file}: no transfer function for channel '{channel}' in the parameter file; raw units");
            return (1, 0, "");
        }
        double P(string name) => ch.Params.TryGetValue(name, out double v) ? v : throw new StmFileException(file, $"{ch.Tff}.{name}", "a transfer-function parameter", "none");
        switch (ch.Tff)
        {
            case "TFF_Linear1D":
            {
                // physical = (raw − Offset) / Factor
                double q = 1 / P("Factor");
                return (q, -P("Offset") * q, ch.Unit);
            }
            case "TFF_MultiLinear1D":
            {
                // physical = (raw − Offset)·(Raw_1 − PreOffset) / (NeutralFactor·PreFactor)
                double q = (P("Raw_1") - P("PreOffset")) / (P("NeutralFactor") * P("PreFactor"));
                return (q, -P("Offset") * q, ch.Unit);
            }
            default:
                warnings.Add($"{file}: unknown transfer function '{ch.Tff}'; raw units");
                return (1, 0, "");
        }
    }

    /// <summary>Without a parameter file: the first of 4, 2, 1 directions for which intended/directions is a square.</summary>
    private static (int Res, bool XRetrace, bool YRetrace) GuessSquare(ByteReader r, long intended)
    {
        foreach (int mult in new[] { 4, 2, 1 })
        {
            long n = (long)Math.Round(Math.Sqrt(intended / (double)mult));
            if (n > 0 && n * n * mult == intended && n <= 1 << 16) return ((int)n, mult >= 2, mult == 4);
        }
        throw r.Bad("DESC intended point count", "n²×4, n²×2 or n² points (square frames) when there is no parameter file", ByteReader.Num(intended));
    }

    /// <summary>"PREFIX--SESSION_TRACE.CHANNEL_mtrx" → its parts and the full path prefix for the parameter file.</summary>
    private static (string Session, string Trace, string Channel, string? Prefix) ParseName(string file)
    {
        string name = Path.GetFileName(file);
        int dd = name.LastIndexOf("--", StringComparison.Ordinal);
        if (dd < 0) return ("", "", "unknown", null);
        var parts = name[(dd + 2)..].Replace('.', '_').Split('_');
        string dir = Path.GetDirectoryName(file) ?? "";
        return (parts[0], parts.Length > 1 ? parts[1] : "", parts.Length > 2 ? parts[2] : "unknown", Path.Combine(dir, name[..dd]));
    }

    private static long Long(MatrixParameterFile p, string key) =>
        p.Values.TryGetValue(key, out var v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? l : 0;

    private static double Double(MatrixParameterFile p, string key) =>
        p.Values.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d : 0;

    private static bool Bool(MatrixParameterFile p, string key, bool fallback) =>
        p.Values.TryGetValue(key, out var v) ? v == "true" : fallback;

    private static string Tag(ByteReader r)
    {
        var t = r.Take(4, "block tag");
        return new string([(char)t[3], (char)t[2], (char)t[1], (char)t[0]]);
    }

    private static void Expect(ByteReader r, string tag)
    {
        int at = r.Position;
        string t = Tag(r);
        if (t != tag) throw r.Bad($"block at offset {at}", tag, HeaderText.Quote(t));
    }
}
