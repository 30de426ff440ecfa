using System.CommandLine;
using System.Globalization;
using StmKernel.Imaging;
using StmKernel.UNet.Weights;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel info FILE`: what a file holds (channels, sizes, units, bias, setpoint).</summary>
public sealed class InfoCommand : CliCommand
{
    private readonly Argument<string> _file = new("FILE")
    {
        Description = "an STM or image file (Nanonis .sxm, Omicron MATRIX *_mtrx, Createc .dat, Gwyddion .gwy, .npy, TIFF, PNG; " +
                      "detected from the file's first bytes) or model weights (.stmw or diffusers safetensors)",
    };

    public InfoCommand() : base("info", "describe a file: STM scans and images (channels, sizes, units, bias, setpoint) or model weights") =>
        Arguments.Add(_file);

    public override string Details => """
        For a scan: each channel's size in pixels, physical size, pixel size, value unit and range, bias and setpoint.
        For model weights: architecture, parameter count, dtype, checksum and metadata.
        """;

    /// <summary>
    /// File kinds this command describes, tried in order on the file's first bytes. To describe a
    /// new kind (e.g. model weights), add one entry: a test on the head bytes and a describer.
    /// </summary>
    private static readonly (string Kind, Func<string, byte[], bool> Matches, Action<string, TextWriter> Describe)[] Kinds =
    [
        ("model weights (.stmw, safetensors)", (path, _) => WeightFile.IsWeightFile(path), WeightsInfo.Describe),
        ("STM scan or image", (_, head) => StmFile.Detect(head) is not null, DescribeStm),
    ];

    protected override int Run(ParseResult parse)
    {
        string path = parse.GetValue(_file)!;
        if (!File.Exists(path)) throw new CliException($"no such file: {path}");
        var head = new byte[64];
        using (var fs = File.OpenRead(path)) head = head[..fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        foreach (var (_, matches, describe) in Kinds)
        {
            if (!matches(path, head)) continue;
            describe(path, Console.Out);
            return 0;
        }
        throw new CliException($"{path}: not a file kind this command knows ({string.Join(", ", Kinds.Select(k => k.Kind))})");
    }

    private static void DescribeStm(string path, TextWriter o)
    {
        var doc = StmFile.Read(path);
        var first = doc.Channels[0];
        o.WriteLine($"{path}: {FormatName(doc.Format)}, {doc.Channels.Count} channel{(doc.Channels.Count == 1 ? "" : "s")}");
        if (first.BiasVolts is double bias) o.WriteLine($"  bias      {Si(bias, "V")}");
        if (first.Setpoint is double sp) o.WriteLine($"  setpoint  {Si(sp, first.SetpointUnit ?? "")}");
        if (first.SlowScan is { } slow) o.WriteLine($"  slow scan {slow}");
        o.WriteLine(Row("#", "channel", "direction", "pixels", "physical size", "pixel size", "unit", "range"));
        for (int i = 0; i < doc.Channels.Count; i++)
        {
            var c = doc.Channels[i];
            string size = c.PhysicalSizeKnown ? $"{Si(c.RealWidth, "m")} × {Si(c.RealHeight, "m")}" : "unknown";
            string pixel = c.PhysicalSizeKnown ? $"{Si(c.PixelSizeX, "m")} × {Si(c.PixelSizeY, "m")}" : "-";
            var finite = c.Data.Where(float.IsFinite).ToArray();
            int missing = c.Data.Length - finite.Length;
            string range = finite.Length == 0 ? "all missing" : $"{Si(finite.Min(), c.ZUnit)} … {Si(finite.Max(), c.ZUnit)}";
            if (missing > 0) range += $" ({missing} missing)";
            string direction = c.Direction == ScanDirection.Forward ? "forward" : "backward";
            if (c.SlowScan is { } s && doc.Format == StmFormat.OmicronMatrix) direction += " " + s;
            o.WriteLine(Row(i.ToString(CultureInfo.InvariantCulture), c.Channel, direction, $"{c.Width}×{c.Height}", size, pixel, c.ZUnit.Length > 0 ? c.ZUnit : "raw", range));
        }
        foreach (var w in doc.Warnings) o.WriteLine($"  warning: {w}");
    }

    private static string Row(string i, string channel, string direction, string pixels, string size, string pixel, string unit, string range) =>
        $"  {i,-2} {channel,-14} {direction,-13} {pixels,-9} {size,-21} {pixel,-21} {unit,-4} {range}";

    private static string FormatName(StmFormat f) => f switch
    {
        StmFormat.NanonisSxm => "Nanonis .sxm",
        StmFormat.OmicronMatrix => "Omicron MATRIX",
        StmFormat.CreatecDat => "Createc .dat",
        StmFormat.Gwyddion => "Gwyddion .gwy",
        StmFormat.Npy => "NumPy .npy",
        StmFormat.Tiff => "TIFF",
        _ => "PNG",
    };

    /// <summary>A value with an SI prefix, e.g. 2.5e-10 A → "250 pA"; plain number when the unit is empty.</summary>
    internal static string Si(double v, string unit)
    {
        if (unit.Length == 0 || v == 0 || !double.IsFinite(v)) return (unit.Length == 0 ? v.ToString("G4", CultureInfo.InvariantCulture) : $"{v.ToString("G4", CultureInfo.InvariantCulture)} {unit}").Trim();
        string[] prefixes = ["f", "p", "n", "µ", "m", "", "k", "M", "G"];
        int e = (int)Math.Clamp(Math.Floor(Math.Log10(Math.Abs(v)) / 3), -5, 3);
        return $"{(v / Math.Pow(1000, e)).ToString("0.###", CultureInfo.InvariantCulture)} {prefixes[e + 5]}{unit}";
    }
}
