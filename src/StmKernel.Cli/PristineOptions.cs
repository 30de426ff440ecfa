using StmKernel.Synthesis;
using StmKernel.Synthesis.Pairs;

namespace StmKernel.Cli;

/// <summary>
/// Where `train` and `degrade` take pristine images from: procedural surfaces, a folder of .npy scans
/// (split by a seeded shuffle or by a committed --splits manifest), or a --mix of both; at which pixel
/// sizes (--pixel-nm); and whether they are line-flattened (--line-flatten). Read by <see cref="PristineSourceOptions"/>.
/// </summary>
internal sealed record PristineOptions(string? Folder, string? SplitsFile, long SplitSeed, double Mix, ValueRange? PixelSize, bool LineFlatten, bool Baseline)
{
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
}
