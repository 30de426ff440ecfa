using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace StmKernel.Imaging.Formats;

/// <summary>
/// Createc .dat, 32-bit versions: `[Paramco32]` (zlib-compressed) and `[Paramet32]` (raw). A text
/// header of key=value lines, then for the compressed version the marker `DATA` and a zlib stream
/// (found by searching, not at Gwyddion's fixed 16384) holding 4 unused bytes and then float32 LE
/// images in DAC units, channels × Y × X. Lateral size and the topography scale follow Gwyddion 2.62
/// (piezo constants × gains × DAC step); non-topography channels stay in DAC units.
/// </summary>
internal static class CreatecDatReader
{
    public static ReadOnlySpan<byte> MagicCompressed => "[Paramco32]"u8;
    public static ReadOnlySpan<byte> MagicRaw => "[Paramet32]"u8;
    private const int FixedHeaderSize = 16384;
    private const double Angstrom = 1e-10;

    private static readonly string[] SignalNames = ["Z", "Current", "ADC1", "ADC2", "ADC3", "ADC4", "ADC5", "ADC6"];

    public static StmDocument Read(byte[] bytes, string file)
    {
        var r = new ByteReader(bytes, file);
        bool compressed = bytes.AsSpan().StartsWith(MagicCompressed);
        int dataStart;
        int headerEnd;
        if (compressed)
        {
            headerEnd = HeaderText.IndexOf(bytes, "DATA"u8, 0, FixedHeaderSize + 4096);
            if (headerEnd < 0) throw r.Bad("DATA marker", "'DATA' within the first 20 KiB", "none");
            dataStart = headerEnd + 4;
        }
        else
        {
            headerEnd = Math.Min(bytes.Length, FixedHeaderSize);
            dataStart = FixedHeaderSize + 4;
        }
        var h = ParseHeader(Encoding.Latin1.GetString(bytes, 0, headerEnd));
        string Get(params string[] keys)
        {
            foreach (var k in keys) if (h.TryGetValue(k, out var v)) return v;
            throw r.Bad(keys[0], $"a '{keys[0]}' header entry", "none");
        }
        double D(string field, params string[] keys) => HeaderText.Double(file, field, Get(keys));

        int nx = HeaderText.Dimension(file, "Num.X", Get("Num.X"));
        int ny = HeaderText.Dimension(file, "Num.Y", Get("Num.Y"));
        int channels = HeaderText.Dimension(file, "Channels", Get("Channels"), 64);
        int dacBits = HeaderText.Dimension(file, "DAC-Type", Get("DAC-Type").Replace("bit", "", StringComparison.Ordinal), 32);
        long planeBytes = 4L * nx * ny;
        long needed = 4 + planeBytes * channels;

        byte[] payload;
        if (compressed)
        {
            payload = Zlib.Inflate(bytes.AsSpan(dataStart), needed, file, $"zlib data for Num.X × Num.Y × Channels = {nx}×{ny}×{channels}");
        }
        else
        {
            r.Position = Math.Min(dataStart - 4, bytes.Length);
            r.Need(needed, $"image data ({channels} planes of {nx}×{ny} float32)");
            payload = bytes[(dataStart - 4)..];
        }

        double dac = 20.0 / Math.Pow(2, dacBits);
        double xreal = Math.Abs(nx * D("Delta X", "Delta X / Delta X [Dac]", "Delta X") * dac * D("GainX", "GainX / GainX", "GainX") * Angstrom * D("Xpiezoconst", "Xpiezoconst"));
        double yreal = Math.Abs(ny * D("Delta Y", "Delta Y / Delta Y [Dac]", "Delta Y") * dac * D("GainY", "GainY / GainY", "GainY") * Angstrom * D("YPiezoconst", "YPiezoconst"));
        if (!(xreal > 0) || !(yreal > 0)) throw r.Bad("scan size", "positive sizes from Delta × Gain × piezo constant", $"{xreal} × {yreal} m");
        double zScale = dac * D("GainZ", "GainZ / GainZ", "GainZ") * Angstrom * D("ZPiezoconst", "ZPiezoconst");
        double? bias = h.TryGetValue("BiasVoltage / BiasVolt.[mV]", out var bv) || h.TryGetValue("Biasvolt[mV]", out bv) ? HeaderText.Double(file, "BiasVolt.[mV]", bv) * 1e-3 : null;
        double? current = h.TryGetValue("Current[A]", out var ca) ? HeaderText.Double(file, "Current[A]", ca) : null;

        // Channelselectval is a bit mask of recorded signals (1 = topography, 2 = current, 4.. = ADCs);
        // when Channels is twice their number, the second half is the backward scan (stored left to right).
        int select = h.TryGetValue("Channelselectval / Channelselectval", out var cs) && int.TryParse(cs.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) && s > 0 ? s : 1;
        var signals = Enumerable.Range(0, SignalNames.Length).Where(b => (select & (1 << b)) != 0).ToArray();
        if (signals.Length == 0) signals = [0];
        bool twoDirections = channels == 2 * signals.Length;

        var meta = h.Where(kv => kv.Value.Length < 256).ToDictionary(kv => kv.Key, kv => kv.Value.Trim());
        var images = new List<StmImage>();
        var warnings = new List<string>();
        for (int c = 0; c < channels; c++)
        {
            int signal = signals[c % signals.Length];
            bool topo = signal == 0;
            var data = new float[nx * ny];
            var plane = payload.AsSpan((int)(4 + planeBytes * c), (int)planeBytes);
            for (int i = 0; i < data.Length; i++)
            {
                float v = BinaryPrimitives.ReadSingleLittleEndian(plane.Slice(4 * i, 4));
                data[i] = topo ? (float)(v * zScale) : v;
            }
            if (!topo && warnings.Count == 0) warnings.Add($"{file}: non-topography channels are kept in DAC units (no calibration in the header)");
            images.Add(new StmImage(data, nx, ny)
            {
                PixelSizeX = xreal / nx, PixelSizeY = yreal / ny, ZUnit = topo ? "m" : "",
                Channel = SignalNames[signal], Direction = twoDirections && c >= signals.Length ? ScanDirection.Backward : ScanDirection.Forward,
                BiasVolts = bias, Setpoint = current, SetpointUnit = current is null ? null : "A",
                SourceFile = file, Metadata = meta,
            });
        }
        return new StmDocument(StmFormat.CreatecDat, images, warnings);
    }

    /// <summary>Header lines "Long name / Short=value"; both the whole key and the part after " / " are entered.</summary>
    private static Dictionary<string, string> ParseHeader(string text)
    {
        var h = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            int eq = line.IndexOf('=');
            if (eq <= 0) continue;
            string key = line[..eq].Trim(), value = line[(eq + 1)..].Trim('\r', ' ', '\0');
            if (key.Length == 0 || key == "/") continue;
            h.TryAdd(key, value);
            int slash = key.IndexOf(" / ", StringComparison.Ordinal);
            if (slash > 0) h.TryAdd(key[..slash].Trim(), value);
        }
        return h;
    }
}
