using System.CommandLine;
using System.Globalization;
using StmKernel.Synthesis;

namespace StmKernel.Cli;

/// <summary>The options of `train` and `degrade` that make their <see cref="PristineOptions"/>: where pristine images come from.</summary>
internal sealed class PristineSourceOptions
{
    private readonly Option<string?> _folder = CliOptions.OptionalText("--pristine", "DIR", ".npy pristine scans (default: procedural Si(001):H surfaces only)");

    private readonly Option<string?> _splits = CliOptions.OptionalText("--splits", "CSV",
        "split and pixel size of each DIR file (file,split,nm_per_px; e.g. data/real-si001/splits.csv); without it the " +
        "files are split by a shuffle of --split-seed");

    private readonly Option<int?> _splitSeed;

    private readonly Option<double?> _mix = CliOptions.OptionalDouble("--mix", "P", "share of pristine images drawn from DIR, the rest procedural (default 1 with --pristine)");

    private readonly Option<ValueRange?> _pixelNm = CliOptions.Parsed<ValueRange?>("--pixel-nm", "A:B",
        "pixel sizes in nm: procedural surfaces drawn log-uniformly in [A, B], DIR scans with a known pixel size " +
        "resampled into it (downsampling only); default 0.195 (the paper's)", s => ParseNm(s));

    private readonly Option<bool> _lineFlatten = CliOptions.Flag("--line-flatten", "each crop loses its per-line median (clean and degraded), as real scans are exported");

    private readonly Option<string> _surface = CliOptions.Parsed("--surface", "S",
        "procedural generator: realistic (DB chains, clusters, tip-dependent rows, …) or baseline (before those features: " +
        "what the model card's procedural test sets use)",
        s => s is "realistic" or "baseline" ? s : throw new CliException($"--surface must be realistic or baseline, got '{s}'")).WithDefault("realistic");

    /// <summary>Options whose --split-seed help names <paramref name="splitSeedDefault"/> as the default.</summary>
    public PristineSourceOptions(string splitSeedDefault) =>
        _splitSeed = CliOptions.OptionalInt("--split-seed", "K", $"seed of the shuffle that assigns DIR's files to train/validation/test (default {splitSeedDefault})");

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _folder, _splits, _splitSeed, _mix, _pixelNm, _lineFlatten, _surface }) command.Options.Add(o);
    }

    /// <summary>The source given; <paramref name="defaultSplitSeed"/> applies without --split-seed.</summary>
    public PristineOptions Read(ParseResult parse, long defaultSplitSeed)
    {
        string? folder = parse.GetValue(_folder);
        string? splits = parse.GetValue(_splits);
        double? mixGiven = parse.GetValue(_mix);
        double mix = mixGiven ?? (folder is null ? 0 : 1);
        if (splits is not null && folder is null) throw new CliException("--splits names the split of --pristine DIR's files: give --pristine too");
        if (folder is null && mix != 0) throw new CliException("--mix is the share of --pristine DIR images: give --pristine too");
        if (!(mix >= 0 && mix <= 1)) throw new CliException($"--mix must be in [0, 1], got {mix}");
        return new PristineOptions(folder, splits, parse.GetValue(_splitSeed) ?? defaultSplitSeed, mix, parse.GetValue(_pixelNm),
            parse.GetValue(_lineFlatten), parse.GetValue(_surface) == "baseline");
    }

    /// <summary>"A" or "A:B" in nm, 0 &lt; A ≤ B, as a range in metres.</summary>
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
