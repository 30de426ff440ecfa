using System.Globalization;
using System.Text.RegularExpressions;

namespace StmKernel.Imaging.Formats;

/// <summary>
/// Gwyddion .gwy: `GWYP` then a GwyContainer whose `/N/data` components are GwyDataFields
/// (xres, yres, xreal, yreal, optional offsets, SI units, row-major doubles), titled by
/// `/N/data/title`. Missing pixels (NaN) are written as the mean of the valid ones plus a mask
/// `/N/mask` (1 = missing), the way Gwyddion itself marks invalid data; our reader turns that mask
/// back into NaN only for files we wrote (marked by `/N/data/stmkernel-missing-mask`).
/// </summary>
internal static partial class GwyddionFile
{
    public static ReadOnlySpan<byte> Magic => "GWYP"u8;
    private const string MissingMarker = "/data/stmkernel-missing-mask";
    private const string UnknownSizeKey = "Lateral size";

    [GeneratedRegex(@"^/(\d+)/data$")]
    private static partial Regex DataKey();

    public static StmDocument Read(byte[] bytes, string file)
    {
        var r = new ByteReader(bytes, file);
        r.Position = 4;
        var top = GwyObject.Parse(r);
        if (top.Type != "GwyContainer") throw r.Bad("top-level object", "GwyContainer", HeaderText.Quote(top.Type));
        var images = new List<StmImage>();
        var ids = top.Components.Select(c => DataKey().Match(c.Key)).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        foreach (int id in ids)
        {
            if (top[$"/{id}/data"] is not GwyObject field || field.Type != "GwyDataField") continue;
            string title = top[$"/{id}/data/title"] as string ?? $"channel {id}";
            var data = FieldData(r, field, $"/{id}/data", out int xres, out int yres, out double xreal, out double yreal);
            if (top[$"/{id}{MissingMarker}"] is byte and not 0 && top[$"/{id}/mask"] is GwyObject maskField)
            {
                var mask = FieldData(r, maskField, $"/{id}/mask", out int mx, out int my, out _, out _);
                if (mx == xres && my == yres)
                    for (int i = 0; i < data.Length; i++) if (mask[i] > 0.5f) data[i] = float.NaN;
            }
            var meta = new Dictionary<string, string>();
            if (top[$"/{id}/meta"] is GwyObject m)
                foreach (var (k, v) in m.Components) if (v is string s) meta[k] = s;
            // Our own files carry channel and direction in the metadata; others only have a title.
            (string channel, ScanDirection dir) = ParseTitle(title);
            if (meta.TryGetValue("Channel", out var mc)) channel = mc;
            if (meta.TryGetValue("Direction", out var md)) dir = md == "backward" ? ScanDirection.Backward : ScanDirection.Forward;
            images.Add(new StmImage(data, xres, yres)
            {
                PixelSizeX = xreal / xres, PixelSizeY = yreal / yres,
                OffsetX = field["xoff"] as double? ?? 0, OffsetY = field["yoff"] as double? ?? 0,
                ZUnit = Unit(field["si_unit_z"]), Channel = channel, Direction = dir,
                SlowScan = meta.TryGetValue("Slow scan", out var slow) ? slow : null,
                PhysicalSizeKnown = !meta.ContainsKey(UnknownSizeKey),
                BiasVolts = MetaDouble(meta, "Bias"), Setpoint = MetaDouble(meta, "Setpoint"),
                SetpointUnit = meta.TryGetValue("Setpoint unit", out var su) ? su : null,
                SourceFile = file, Metadata = meta,
            });
        }
        if (images.Count == 0) throw r.Bad("data fields", "at least one /N/data GwyDataField", "none");
        return new StmDocument(StmFormat.Gwyddion, images, []);
    }

    private static float[] FieldData(ByteReader r, GwyObject f, string key, out int xres, out int yres, out double xreal, out double yreal)
    {
        xres = f["xres"] as int? ?? throw r.Bad($"{key} xres", "an int component", "none");
        yres = f["yres"] as int? ?? throw r.Bad($"{key} yres", "an int component", "none");
        xreal = f["xreal"] as double? ?? 1.0;
        yreal = f["yreal"] as double? ?? 1.0;
        if (xres <= 0 || yres <= 0) throw r.Bad($"{key} xres×yres", "positive sizes", $"{xres}×{yres}");
        if (!(xreal > 0) || !(yreal > 0) || !double.IsFinite(xreal) || !double.IsFinite(yreal))
            throw r.Bad($"{key} xreal×yreal", "positive finite sizes", $"{xreal}×{yreal}");
        var d = f["data"] as double[] ?? throw r.Bad($"{key} data", "a double array", "none");
        if (d.Length != (long)xres * yres) throw r.Bad($"{key} data", $"{(long)xres * yres} values for {xres}×{yres}", $"{d.Length}");
        var a = new float[d.Length];
        for (int i = 0; i < d.Length; i++) a[i] = (float)d[i];
        return a;
    }

    private static string Unit(object? o) => o is GwyObject u && u["unitstr"] is string s ? s : "";

    private static double? MetaDouble(Dictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v) && HeaderText.ValueWithUnit(v) is { } p ? p.Value : null;

    /// <summary>"Z forward" / "Z (Backward)" → channel and direction; other titles are kept whole.</summary>
    private static (string, ScanDirection) ParseTitle(string title)
    {
        string t = title.Trim();
        foreach (var (word, dir) in new[] { ("backward", ScanDirection.Backward), ("forward", ScanDirection.Forward) })
        {
            foreach (var suffix in new[] { " " + word, " (" + word + ")" })
                if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return (t[..^suffix.Length].Trim(), dir);
        }
        return (t, ScanDirection.Forward);
    }

    /// <summary>Writes all images as channels 0, 1, … of one container (temporary file, then rename).</summary>
    public static void Write(string path, IReadOnlyList<StmImage> images)
    {
        var top = new GwyObject("GwyContainer");
        for (int id = 0; id < images.Count; id++)
        {
            var im = images[id];
            var data = new double[im.Data.Length];
            bool anyMissing = false;
            double sum = 0;
            int valid = 0;
            foreach (float v in im.Data) if (float.IsFinite(v)) { sum += v; valid++; }
            double fill = valid > 0 ? sum / valid : 0;
            var mask = new double[data.Length];
            for (int i = 0; i < data.Length; i++)
            {
                float v = im.Data[i];
                if (float.IsFinite(v)) data[i] = v;
                else { data[i] = fill; mask[i] = 1; anyMissing = true; }
            }
            top.Add($"/{id}/data", Field(im, data, im.ZUnit));
            top.Add($"/{id}/data/title", im.Title);
            if (anyMissing)
            {
                top.Add($"/{id}/mask", Field(im, mask, ""));
                top.Add($"/{id}{MissingMarker}", true);
            }
            var meta = new GwyObject("GwyContainer");
            if (im.BiasVolts is double b) meta.Add("Bias", $"{b.ToString("G6", CultureInfo.InvariantCulture)} V");
            if (im.Setpoint is double sp) meta.Add("Setpoint", $"{sp.ToString("G6", CultureInfo.InvariantCulture)} {im.SetpointUnit}".TrimEnd());
            if (im.SetpointUnit is { } u) meta.Add("Setpoint unit", u);
            if (im.SourceFile is { } src) meta.Add("Source file", src);
            meta.Add("Channel", im.Channel);
            meta.Add("Direction", im.Direction == ScanDirection.Forward ? "forward" : "backward");
            if (im.SlowScan is { } slowScan) meta.Add("Slow scan", slowScan);
            if (!im.PhysicalSizeKnown) meta.Add(UnknownSizeKey, "unknown (pixel units)");
            // How a result was made (model, sampler, pixel-size resampling, conditioning) shows in Gwyddion's metadata browser.
            foreach (string key in ProcessingKeys)
                if (im.Metadata.TryGetValue(key, out var value)) meta.Add(key, value);
            top.Add($"/{id}/meta", meta);
        }
        SafeWrite.Write(path, s => { s.Write(Magic); top.Write(s); });
    }

    /// <summary>Metadata entries of a processed image that are written as they are.</summary>
    private static readonly string[] ProcessingKeys = ["Processing", "Scan lines", "Scan lines measured"];

    private static GwyObject Field(StmImage im, double[] data, string zUnit) => new GwyObject("GwyDataField")
        .Add("xres", im.Width).Add("yres", im.Height)
        .Add("xreal", im.RealWidth).Add("yreal", im.RealHeight)
        .Add("xoff", im.OffsetX).Add("yoff", im.OffsetY)
        .Add("si_unit_xy", new GwyObject("GwySIUnit").Add("unitstr", im.PhysicalSizeKnown ? "m" : ""))
        .Add("si_unit_z", new GwyObject("GwySIUnit").Add("unitstr", zUnit))
        .Add("data", data);
}
