using System.CommandLine;
using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;

namespace StmKernel.Cli.Commands;

/// <summary>`stmkernel degrade`: writes a fixed (clean, degraded) test set with the paper's degradation pipeline.</summary>
public sealed class DegradeCommand : CliCommand
{
    private readonly Option<DegradationMode> _mode = CliOptions.Parsed("--mode", "MODE",
        "all|multitip|misalign|tipchange|blunt|lines|sr2|sr4|sr2-all|sr4-all|clean. all: every degradation with the " +
        "paper's probabilities; multitip … lines: that type only, always applied; sr2/sr4: every 2nd/4th scan line only; " +
        "sr2-all/sr4-all: every degradation plus the SR line dropping (what SR models train on); clean: no degradation",
        s => DegradationModeNames.TryParse(s, out var mode) ? mode : throw new CliException($"unknown --mode '{s}'")).AsRequired();

    private readonly Option<int> _count = CliOptions.RequiredInt("--count", "N", "pairs to write", 1, 1_000_000);
    private readonly Option<int> _seed = CliOptions.Int("--seed", "S", "seed of the pairs", 0);
    private readonly PristineSourceOptions _pristine = new("0: keep it fixed across runs so the splits stay disjoint from what a model was trained on");

    private readonly Option<DataSplit?> _split = CliOptions.Parsed<DataSplit?>("--split", "train|validation|test", "which split of the pristine images to draw from (default test)",
        s => s switch
        {
            "train" => DataSplit.Train,
            "validation" or "val" => DataSplit.Validation,
            "test" => DataSplit.Test,
            _ => throw new CliException($"unknown --split '{s}' (train, validation, test)"),
        });

    private readonly Option<int> _crop = CliOptions.Int("--crop", "C",
        "crop size in pixels (the paper's 128; use a model's training crop to test it on what it saw)", 128, 16, 1024);

    private readonly Option<string> _output = CliOptions.RequiredText("-o", "DIR", "output folder: DIR/clean.npy, DIR/degraded.npy, DIR/manifest.json", "--out");

    public DegradeCommand() : base("degrade", "write a fixed test set of (clean, degraded) pairs + manifest")
    {
        Options.Add(_mode);
        Options.Add(_count);
        Options.Add(_seed);
        _pristine.AddTo(this);
        Options.Add(_split);
        Options.Add(_crop);
        Options.Add(_output);
    }

    public override string Details => """
        Pristine images come from the procedural generator, or from DIR/*.npy (--pristine), assigned to
        train/validation/test by file. Writes DIR/clean.npy, DIR/degraded.npy ([N, 1, C, C] in [-1, 1], C = --crop) and
        DIR/manifest.json (every sampled parameter). Existing files are never overwritten.
        """;

    protected override int Run(ParseResult parse)
    {
        var mode = parse.GetValue(_mode);
        int count = parse.GetValue(_count);
        long seed = parse.GetValue(_seed);
        var data = _pristine.Read(parse, defaultSplitSeed: 0);
        var split = parse.GetValue(_split) ?? DataSplit.Test;
        int crop = parse.GetValue(_crop);
        string dir = parse.GetValue(_output)!;

        var pairs = new PairSource(data.Build(seed, crop), DegradationSettings.ForMode(mode) with { CropSize = crop, LineFlatten = data.LineFlatten }, seed);
        double seconds;
        using (var bar = new ProgressBar("degrade " + DegradationModeNames.Name(mode), count, "pairs"))
        {
            TestSetWriter.Write(dir, pairs, split, count, DegradationModeNames.Name(mode), _ => bar.Advance());
            seconds = bar.ElapsedSeconds;
        }
        Console.WriteLine($"wrote {count} {DegradationModeNames.Name(mode)} pairs ({split.ToString().ToLowerInvariant()} split) to {dir} in {seconds:0.0} s ({count / Math.Max(seconds, 1e-9):0.0} pairs/s)");
        return 0;
    }
}
