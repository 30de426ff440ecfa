using System.Globalization;
using StmKernel.Synthesis;
using StmKernel.Synthesis.Pairs;

namespace StmKernel.Cli;

/// <summary>
/// Where `train` and `degrade` take pristine images from: procedural surfaces, a folder of .npy scans
/// (split by a seeded shuffle or by a committed --splits manifest), or a --mix of both; at which pixel
/// sizes (--pixel-nm); and whether they are line-flattened (--line-flatten).
/// </summary>
internal sealed record PristineOptions(string? Folder, string? SplitsFile, long SplitSeed, double Mix, ValueRange? PixelSize, bool LineFlatten, bool Baseline)
{
    public const string Usage = """
          --pristine DIR     .npy pristine scans (default: procedural Si(001):H surfaces only)
          --splits CSV       split and pixel size of each DIR file (file,split,nm_per_px; e.g. data/real-si001/splits.csv);
                             without it the files are split by a shuffle of --split-seed
          --mix P            share of pristine images drawn from DIR, the rest procedural (default 1 with --pristine)
          --pixel-nm A:B     pixel sizes in nm: procedural surfaces drawn log-uniformly in [A, B], DIR scans with a
                             known pixel size resampled into it (downsampling only); default 0.195 (the paper's)
          --line-flatten     each crop loses its per-line median (clean and degraded), as real scans are exported
          --surface S        procedural generator: realistic (default: DB chains, clusters, tip-dependent rows, …)
                             or baseline (before those features: what the model card's procedural test sets use)
        """;

    /// <summary>Reads the options (all optional).</summary>
    public static PristineOptions Read(ArgReader args, long defaultSplitSeed)
    {
        string? folder = args.Option("pristine");
        string? splits = args.Option("splits");
        long splitSeed = args.Int("split-seed", (int)defaultSplitSeed);
        double mix = args.Double("mix", folder is null ? 0 : 1);
        string? pixel = args.Option("pixel-nm");
        bool flatten = args.Flag("line-flatten");
        string surface = args.Option("surface") ?? "realistic";
        if (surface is not ("realistic" or "baseline")) throw new CliException($"--surface must be realistic or baseline, got '{surface}'");
        if (splits is not null && folder is null) throw new CliException("--splits names the split of --pristine DIR's files: give --pristine too");
        if (folder is null && mix != 0) throw new CliException("--mix is the share of --pristine DIR images: give --pristine too");
        if (!(mix >= 0 && mix <= 1)) throw new CliException($"--mix must be in [0, 1], got {mix}");
        return new PristineOptions(folder, splits, splitSeed, mix, pixel is null ? null : ParseNm(pixel), flatten, surface == "baseline");
    }

    /// <summary>The pixel-size range the data covers, in metres (the model's "pixel_size_m").</summary>
    public (double Min, double Max) PixelSizeRange => PixelSize is { } r ? (r.Min, r.Max) : (0.195e-9, 0.195e-9);

    /// <summary>
    /// The lattice the data shows, for restore's lattice check: Si(001):H (dimer rows 7.68 Å, dimers 3.84 Å)
    /// when procedural surfaces or the real-si001 scans are in the mix; null for a lab's own folder alone
    /// (its surface is not known here).
    /// </summary>
    public double[]? LatticePeriods =>
        Folder is null || Mix < 1 || Path.GetFileName(Path.GetFullPath(Folder).TrimEnd('/')) == "real-si001"
            ? [Si001.DimerRowSpacing, Si001.DimerSpacing]
            : null;

    private static readonly Synthesis.Surface.SurfaceParameters Si001 = new();

    /// <summary>The source for crops of <paramref name="crop"/> px.</summary>
    public IPristineSource Build(long seed, int crop)
    {
        var pixel = PixelSize ?? ValueRange.Fixed(0.195e-9);
        var surface = Baseline ? Synthesis.Surface.SurfaceParameters.Baseline with { Width = 256, Height = 256 } : ProceduralSource.DefaultParameters;
        var procedural = new ProceduralSource(surface, seed, pixel);
        if (Folder is null) return procedural;
        NpyFolderSource real;
        try
        {
            real = SplitsFile is null
                ? new NpyFolderSource(Folder, SplitSeed, minimumSize: crop)
                : new NpyFolderSource(Folder, RealScanManifest.Load(SplitsFile), crop, PixelSize);
        }
        catch (InvalidDataException e) { throw new CliException(e.Message); }
        return Mix >= 1 ? real : new MixedSource(procedural, real, Mix);
    }

    /// <summary>A short name of the data for the training provenance.</summary>
    public string DataName => Folder is null ? Procedural
        : Mix >= 1 ? Path.GetFileName(Path.GetFullPath(Folder))
        : FormattableString.Invariant($"{Procedural} + {Mix:0.##} {Path.GetFileName(Path.GetFullPath(Folder))}");

    private string Procedural => Baseline ? "procedural Si(001):H (baseline)" : "procedural Si(001):H (realistic)";

    private static ValueRange ParseNm(string text)
    {
        var parts = text.Split(':');
        double[] v = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !(v[i] > 0) || !double.IsFinite(v[i]))
                throw new CliException($"--pixel-nm expects A or A:B with positive sizes in nm, got '{text}'");
        if (v.Length is not (1 or 2) || v[^1] < v[0]) throw new CliException($"--pixel-nm expects A or A:B with A ≤ B, got '{text}'");
        return new ValueRange(v[0] * 1e-9, v[^1] * 1e-9);
    }
}
