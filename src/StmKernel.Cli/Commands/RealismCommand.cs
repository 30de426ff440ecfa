using System.CommandLine;
using System.Globalization;
using System.Text;
using StmKernel.Imaging;
using StmKernel.Synthesis;
using StmKernel.Synthesis.Pairs;
using StmKernel.Synthesis.Realism;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Cli.Commands;

/// <summary>
/// `stmkernel realism`: the realism statistics (docs/synthesis.md) of the real Si(001):H scans of one
/// split against procedural surfaces generated at each scan's size and pixel size, before issue 15's
/// realism features (<see cref="SurfaceParameters.Baseline"/>) and with today's defaults.
/// </summary>
public sealed class RealismCommand : CliCommand
{
    private readonly Option<string> _data = CliOptions.RequiredText("--data", "DIR", "folder of the real scans (e.g. ../shared/data/real-si001)");
    private readonly Option<string> _splits = CliOptions.Text("--splits", "CSV", "file,split,nm_per_px manifest", Path.Combine("data", "real-si001", "splits.csv"));

    private readonly Option<DataSplit?> _split = CliOptions.Parsed<DataSplit?>("--split", "train|validation",
        "which scans to compare with (default train; the test split is refused: it must never tune the generator)", s => s switch
        {
            "train" => DataSplit.Train,
            "validation" => DataSplit.Validation,
            "test" => throw new CliException("--split test is refused: the test split must never be used to tune the generator"),
            _ => throw new CliException($"--split must be train or validation, got '{s}'"),
        });

    private readonly Option<int> _perImage = CliOptions.Int("--per-image", "N", "procedural surfaces per real scan, each at the scan's size and pixel size", 2, 1, 100);
    private readonly Option<int> _seed = CliOptions.Int("--seed", "S", "seed of the procedural surfaces", 0);
    private readonly Option<string?> _svg = CliOptions.OptionalText("--svg", "FILE", "write the spectra, histograms and autocorrelations (real, before, after) as SVG");
    private readonly Option<string?> _csv = CliOptions.OptionalText("--csv", "FILE", "write the same curves as CSV (curve,x,real,before,now)");
    private readonly Option<int> _threads = CommonOptions.Threads();

    public RealismCommand() : base("realism", "compare procedural surfaces with real Si(001):H scans (spectra, histograms, features, ACF)")
    {
        foreach (var o in new Option[] { _data, _splits, _split, _perImage, _seed, _svg, _csv, _threads }) Options.Add(o);
    }

    public override string Details => """
        Prints a Markdown table: each statistic for the real scans, the generator before issue 15 and now, and each
        set's distance from the real one.
        """;

    private sealed record Scan(string File, float[] Data, int Width, int Height, double PixelSize);

    protected override int Run(ParseResult parse)
    {
        string data = parse.GetValue(_data)!;
        string splitsPath = parse.GetValue(_splits)!;
        var split = parse.GetValue(_split) ?? DataSplit.Train;
        string splitName = split.ToString().ToLowerInvariant();
        int perImage = parse.GetValue(_perImage);
        int seed = parse.GetValue(_seed);
        string? svg = parse.GetValue(_svg);
        string? csv = parse.GetValue(_csv);
        int threads = parse.GetValue(_threads);

        var manifest = RealScanManifest.Load(splitsPath);
        var scans = manifest.Of(split).Select(e => Load(data, splitsPath, e)).ToList();
        if (scans.Count == 0) throw new CliException($"{splitsPath}: no {splitName} scans listed");

        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        var real = new SurfaceStatistics[scans.Count];
        Parallel.For(0, scans.Count, options, i => real[i] = SurfaceStatistics.Compute(scans[i].Data, scans[i].Width, scans[i].Height, RowPeriodPx(scans[i].PixelSize)));
        var before = Generated(scans, SurfaceParameters.Baseline, perImage, seed, options);
        var after = Generated(scans, new SurfaceParameters(), perImage, seed, options);

        var sReal = StatisticsSummary.Of(real);
        var sBefore = StatisticsSummary.Of(before);
        var sAfter = StatisticsSummary.Of(after);
        Console.Write(Table(splitName, scans.Count, perImage, sReal, sBefore, sAfter));
        foreach (var group in scans.Select((s, i) => (s, i)).GroupBy(t => ScaleGroup(t.s.PixelSize)).OrderBy(g => g.Key))
        {
            var idx = group.Select(t => t.i).ToList();
            var r = StatisticsSummary.Of(idx.Select(i => real[i]).ToList());
            var b = StatisticsSummary.Of(idx.SelectMany(i => before.Skip(i * perImage).Take(perImage)).ToList());
            var a = StatisticsSummary.Of(idx.SelectMany(i => after.Skip(i * perImage).Take(perImage)).ToList());
            Console.WriteLine(Inv($"spectrum distance at {group.Key} ({idx.Count} scans): before {RealismDistance.Between(r, b).Spectrum:0.000}, after {RealismDistance.Between(r, a).Spectrum:0.000}"));
        }
        if (svg is not null)
        {
            File.WriteAllText(svg, RealismFigure.Render(Inv($"Si(001):H realism, {scans.Count} {splitName} scans vs {perImage}× procedural at matched pixel size"),
            [
                new RealismFigure.Series("real scans", sReal, "black", false),
                new RealismFigure.Series("generator before", sBefore, "#1f77b4", true),
                new RealismFigure.Series("generator now", sAfter, "#d95f02", false),
            ]));
            Console.WriteLine($"wrote {svg}");
        }
        if (csv is not null)
        {
            File.WriteAllText(csv, Curves(sReal, sBefore, sAfter));
            Console.WriteLine($"wrote {csv}");
        }
        return 0;
    }

    private static string Curves(StatisticsSummary real, StatisticsSummary before, StatisticsSummary after)
    {
        var sb = new StringBuilder("curve,x,real,before,now\n");
        void Add(string name, int n, Func<int, double> x, Func<StatisticsSummary, double[]> y)
        {
            for (int i = 0; i < n; i++) sb.AppendLine(Inv($"{name},{x(i):0.####},{y(real)[i]:0.####},{y(before)[i]:0.####},{y(after)[i]:0.####}"));
        }
        Add("log_spectrum", RadialSpectrum.Bins, RadialSpectrum.BinCentre, s => s.LogSpectrum);
        Add("histogram", HeightHistogram.Bins, HeightHistogram.BinCentre, s => s.Histogram);
        Add("acf_along", Autocorrelation.Lags, Autocorrelation.Lag, s => s.AcfAlong);
        Add("acf_across", Autocorrelation.Lags, Autocorrelation.Lag, s => s.AcfAcross);
        return sb.ToString();
    }

    /// <summary>Dimer rows are 7.68 Å apart: the period in pixels at a pixel size in metres.</summary>
    private static double RowPeriodPx(double pixelSize) => new SurfaceParameters().DimerRowSpacing / pixelSize;

    private static string ScaleGroup(double pixelSize) => pixelSize < 0.04e-9 ? "< 0.04 nm/px" : pixelSize < 0.08e-9 ? "0.04–0.08 nm/px" : "≥ 0.08 nm/px";

    private static Scan Load(string data, string splitsPath, RealScanManifest.Entry e)
    {
        string path = Path.Combine(data, e.File);
        if (e.PixelSize is not { } px) throw new CliException($"{splitsPath}: {e.File} has no nm_per_px; the comparison needs each scan's pixel size");
        var (values, shape) = NpyFile.Read(path);
        if (shape.Length != 2) throw new CliException($"{path}: expected a 2-D height map, got shape [{string.Join(", ", shape)}]");
        return new Scan(e.File, values, shape[1], shape[0], px);
    }

    private static SurfaceStatistics[] Generated(List<Scan> scans, SurfaceParameters parameters, int perImage, long seed, ParallelOptions options)
    {
        var stats = new SurfaceStatistics[scans.Count * perImage];
        Parallel.For(0, stats.Length, options, k =>
        {
            var scan = scans[k / perImage];
            var p = parameters with { Width = scan.Width, Height = scan.Height, PixelSize = scan.PixelSize };
            var surface = SiH2x1Generator.Generate(p, Rng.DeriveSeed(seed, k / perImage, k % perImage));
            stats[k] = SurfaceStatistics.Compute(surface.Heights.Data, scan.Width, scan.Height, RowPeriodPx(scan.PixelSize));
        });
        return stats;
    }

    private static string Table(string split, int scans, int perImage, StatisticsSummary real, StatisticsSummary before, StatisticsSummary after)
    {
        var db = RealismDistance.Between(real, before);
        var da = RealismDistance.Between(real, after);
        var sb = new StringBuilder();
        sb.AppendLine(Inv($"{scans} {split} scans, {perImage} procedural surfaces per scan at its size and pixel size"));
        sb.AppendLine();
        sb.AppendLine("| statistic | real | before | now | distance before | distance now |");
        sb.AppendLine("|---|---|---|---|---|---|");
        void Scalar(string name, double r, double b, double a) =>
            sb.AppendLine(Inv($"| {name} | {r:0.###} | {b:0.###} | {a:0.###} | {Math.Abs(r - b):0.###} | {Math.Abs(r - a):0.###} |"));
        void Curve(string name, double b, double a) => sb.AppendLine(Inv($"| {name} | | | | {b:0.###} | {a:0.###} |"));
        Curve("log spectrum, mean abs. diff. (decades)", db.Spectrum, da.Spectrum);
        Curve("log histogram, mean abs. diff. (decades)", db.Histogram, da.Histogram);
        Curve("ACF along rows, mean abs. diff.", db.AcfAlong, da.AcfAlong);
        Curve("ACF across rows, mean abs. diff.", db.AcfAcross, da.AcfAcross);
        Scalar("bright features per 100 P²", real.BrightDensity, before.BrightDensity, after.BrightDensity);
        Scalar("dark features per 100 P²", real.DarkDensity, before.DarkDensity, after.DarkDensity);
        Scalar("bright feature diameter (P)", real.BrightDiameter, before.BrightDiameter, after.BrightDiameter);
        Scalar("dark feature diameter (P)", real.DarkDiameter, before.DarkDiameter, after.DarkDiameter);
        Scalar("log10 row-peak prominence", real.LogProminence, before.LogProminence, after.LogProminence);
        return sb.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
